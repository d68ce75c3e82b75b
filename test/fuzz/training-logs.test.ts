// Fuzz: readTrainingLog on mutated Keras History JSON, CSVLogger files and TensorBoard event files (the
// fixtures of fixtures/training-logs), generated CSVLogger files with hostile column names, and random bytes.
// Every case must end in a TrainingLog whose series and warnings are sane, or a named error with a short
// message that starts no log line with `::`.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readTrainingLog, type TrainingLog } from '../../src/training-log/index.js';
import { FUZZ_SEED, type Random, caseCount, failureReport, messageProblem, mutate, runSuite, textToken, utf8 } from './fuzz.js';

const logs = path.join(process.cwd(), 'fixtures', 'training-logs');
const SEEDS = [
  ['history.json', path.join(logs, 'healthy', 'history.json')],
  ['history.json', path.join(logs, 'overfit', 'history.json')],
  ['training.csv', path.join(logs, 'healthy', 'training.csv')],
  ['training.log', path.join(logs, 'overfit', 'training.csv')],
  ['events.out.tfevents.1.host.1.v2', path.join(logs, 'healthy', 'logs', 'train', 'events.out.tfevents.1700000000.fixture-host.4242.0.v2')],
  ['events.out.tfevents.2.host.1.v2', path.join(logs, 'overfit', 'logs', 'validation', 'events.out.tfevents.1700000001.fixture-host.4242.1.v2')],
].map(([name, file]) => ({ name: name!, bytes: new Uint8Array(readFileSync(file!)) }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-fuzz-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface LogCase {
  name: string;
  bytes: Uint8Array;
  what: string;
}

function kerasCsv(rng: Random): Uint8Array {
  const names = ['epoch', ...Array.from({ length: 1 + rng.small(4) }, (_, k) => (rng.chance(0.6) ? ['loss', 'val_loss', 'accuracy', 'val_accuracy'][k % 4]! : textToken(rng)))];
  const sep = rng.pick([',', ',', '\t', ';']);
  const rows = Array.from({ length: rng.small(30) }, (_, r) => names.map((_, c) => (c === 0 ? String(rng.chance(0.95) ? r : textToken(rng)) : rng.chance(0.9) ? String(rng.next()) : textToken(rng))).join(sep));
  return utf8([names.join(sep), ...rows].join(rng.pick(['\n', '\r\n'])) + '\n');
}

/** What breaks the promises of TrainingLog (types.ts), or undefined. */
function logProblemOf(log: TrainingLog): string | undefined {
  for (const [name, points] of Object.entries(log.series)) {
    if (!Array.isArray(points)) return `series ${JSON.stringify(name.slice(0, 40))} is not a list`;
    for (let k = 0; k < points.length; k++) {
      const p = points[k]!;
      if (typeof p.step !== 'number' || typeof p.value !== 'number' || !Number.isFinite(p.step)) return `series ${JSON.stringify(name.slice(0, 40))} has a point ${JSON.stringify(p)}`;
      if (k > 0 && p.step <= points[k - 1]!.step) return `series ${JSON.stringify(name.slice(0, 40))} is not sorted by step, one point per step`;
    }
  }
  // Warnings are printed to the log as they are: the same rules as for a message.
  for (const w of log.warnings ?? []) {
    const problem = messageProblem(w);
    if (problem !== undefined) return `warning: ${problem}: ${JSON.stringify(w.slice(0, 200))}`;
  }
  return undefined;
}

let caseFile = 0;

describe('fuzz: training logs', () => {
  test('readTrainingLog on mutated History JSON, CSVLogger and TensorBoard files, generated CSVs and random bytes', async () => {
    const tally = await runSuite<LogCase>({
      name: 'training-log',
      seed: FUZZ_SEED ^ 0x7a11,
      cases: caseCount(1500),
      make(rng) {
        const applied: string[] = [];
        const r = rng.next();
        if (r < 0.6) {
          const seed = rng.pick(SEEDS);
          return { name: seed.name, bytes: mutate(rng, seed.bytes, applied, 3), what: `${seed.name} + ${applied.join(', ')}` };
        }
        if (r < 0.9) {
          let bytes = kerasCsv(rng);
          if (rng.chance(0.3)) bytes = mutate(rng, bytes, applied, 2);
          return { name: rng.pick(['training.csv', 'training.log', 'training.tsv']), bytes, what: `generated CSVLogger file${applied.length ? ' + ' + applied.join(', ') : ''}` };
        }
        return { name: rng.pick(['history.json', 'training.log', 'events.out.tfevents.3.host.v2']), bytes: rng.bytes(rng.small(3000)), what: 'random bytes' };
      },
      async run(c) {
        const file = path.join(dir, `${caseFile++ % 8}-${c.name}`);
        await writeFile(file, c.bytes);
        return readTrainingLog(file);
      },
      validate: (value) => logProblemOf(value as TrainingLog),
      describe: (c) => c.what,
    });
    expect(failureReport('training-log', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(1500));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.1);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.1);
  });
});
