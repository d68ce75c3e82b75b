// A `command` model in a shard run is handed a file of that shard's rows only (the header and those
// records, byte for byte), so each runner scores its own rows: checked on random files against the reader,
// and end to end, a command that writes its predictions in row order (no id) gives the unsharded report.

import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { readDataset } from '../../src/data/read.js';
import { lineFilter, lineKeeper, writeRowsFile } from '../../src/shard/rows-file.js';
import { capture } from '../support/capture.js';
import { rng } from '../support/rng.js';

const root = process.cwd();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-rows-file-'));
});

/** A CSV with every kind of line break, blank lines and quoted cells holding line breaks. */
function randomCsv(rand: () => number, rows: number): string {
  const breaks = ['\n', '\r\n', '\r'];
  const br = () => breaks[Math.floor(rand() * breaks.length)];
  let text = `id,x,note${br()}`;
  for (let i = 0; i < rows; i++) {
    if (rand() < 0.1) text += br();
    const note = rand() < 0.2 ? `"two${br()}lines, ""quoted"""` : rand() < 0.5 ? 'plain' : '';
    text += `${i},${(rand() * 100).toPrecision(17)},${note}${i + 1 < rows || rand() < 0.5 ? br() : ''}`;
  }
  return text;
}

test('the rows file reads back as exactly the chosen rows, whatever the line breaks and the chunk boundaries', async () => {
  const rand = rng(14);
  for (let round = 0; round < 40; round++) {
    const file = path.join(dir, `r${round}.csv`);
    writeFileSync(file, randomCsv(rand, 1 + Math.floor(rand() * 30)));
    const d = await readDataset(file);
    const rows = Int32Array.from({ length: d.rowCount }, (_, i) => i).filter(() => rand() < 0.4);
    const out = await writeRowsFile(d, rows, 'data');
    if (rows.length === 0) {
      // Only the header: the reader calls that no rows, as it should.
      await expect(readDataset(out)).rejects.toThrow(/no data rows|no rows/);
      continue;
    }
    const back = await readDataset(out);
    expect(back.rowCount).toBe(rows.length);
    for (const name of ['id', 'x', 'note']) {
      const a = d.columns.find((c) => c.name === name)!;
      const b = back.columns.find((c) => c.name === name)!;
      // A column typed on fewer rows may be typed otherwise (all-empty notes read as numbers): compare as missing or text.
      const cell = (v: unknown) => (v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v));
      expect(Array.from(b.values as ArrayLike<unknown>, cell)).toEqual(Array.from(rows, (r) => cell((a.values as ArrayLike<unknown>)[r])));
    }
    // The same bytes in any chunking (a \r\n split across two chunks included).
    const bytes = readFileSync(file);
    const whole = Buffer.concat(lineFilter(lineKeeper(d.recordLines, rows))(bytes));
    const filter = lineFilter(lineKeeper(d.recordLines, rows));
    const parts: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; ) {
      const step = 1 + Math.floor(rand() * 7);
      parts.push(...filter(bytes.subarray(at, at + step)));
      at += step;
    }
    expect(Buffer.concat(parts).equals(whole)).toBe(true);
    expect(readFileSync(out).equals(whole)).toBe(true);
  }
});

test('a command with .npz data cannot be handed its rows: a named error', async () => {
  const d = { path: path.join(dir, 'eval.npz'), rowCount: 2, columns: [], recordLines: new Int32Array(0) };
  await expect(writeRowsFile(d, Int32Array.of(0), 'data')).rejects.toThrow(/`shard` with a `command` model needs data as CSV, TSV or JSON Lines/);
});

test('a command model (predictions in row order, no id) sharded 3 ways: each shard scores its own rows, and the merge is the unsharded report', async () => {
  const quiet = capture();
  try {
    // The "model": a score from one feature, written in the order of the rows it was given, and a count of them.
    const script = path.join(dir, 'score.mjs');
    writeFileSync(
      script,
      `import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
const [data, out, counts] = process.argv.slice(2);
const [header, ...lines] = readFileSync(data, 'utf8').trim().split('\\n');
const at = header.split(',').indexOf('bill_depth_mm');
appendFileSync(counts, lines.length + '\\n');
writeFileSync(out, 'score\\n' + lines.map((l) => Math.min(1, Math.max(0, ((Number(l.split(',')[at]) || 17) - 13) / 9))).join('\\n') + '\\n');
`,
    );
    chmodSync(script, 0o755);
    const counts = path.join(dir, 'counts.txt');
    const model = path.join(dir, 'model.bin');
    writeFileSync(model, 'weights');
    const args = ['--candidate', model, '--command', `node ${script} {data} {predictions} ${counts}`, '--data', 'fixtures/penguins-sex/eval.csv',
      '--label-column', 'sex', '--id-column', 'id', '--bootstrap', '50', '--allowed-roots', dir, '--quiet'];
    const single = path.join(dir, 'single.json');
    expect(await main(['evaluate', ...args, '--json', single], root)).toBe(0);
    const total = Number(readFileSync(counts, 'utf8').trim());
    writeFileSync(counts, '');
    const dirs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const d = path.join(dir, `s${i}`);
      expect(await main(['evaluate', ...args, '--shard', `${i}/3`, '--shard-dir', d], root)).toBe(0);
      dirs.push(d);
    }
    const perShard = readFileSync(counts, 'utf8').trim().split('\n').map(Number);
    expect(perShard).toHaveLength(3);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...perShard)).toBeLessThan(total);
    const merged = path.join(dir, 'merged.json');
    expect(await main(['merge', '--shards', ...dirs, ...args, '--json', merged], root)).toBe(0);
    expect(existsSync(merged)).toBe(true);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(single, 'utf8'));
  } finally {
    quiet.restore();
  }
}, 120_000);
