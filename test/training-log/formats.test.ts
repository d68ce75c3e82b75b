import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../src/errors.js';
import { readTrainingLog, type TrainingLog } from '../../src/training-log/index.js';

const root = 'fixtures/training-logs';
const runs = ['overfit', 'healthy'] as const;
const METRICS = ['accuracy', 'loss', 'val_accuracy', 'val_loss'];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mg-training-log-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const stripWallTime = (log: TrainingLog): Record<string, { step: number; value: number }[]> =>
  Object.fromEntries(Object.entries(log.series).map(([k, pts]) => [k, pts.map(({ step, value }) => ({ step, value }))]));

describe.each(runs)('the %s run in all three formats', (run) => {
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8'))[run];
  let json: TrainingLog;
  let csv: TrainingLog;
  let tb: TrainingLog;
  beforeAll(async () => {
    json = await readTrainingLog(join(root, run, 'history.json'));
    csv = await readTrainingLog(join(root, run, 'training.csv'));
    tb = await readTrainingLog(join(root, run, 'logs'));
  });

  test('each reader names its format and finds the Keras metric names', () => {
    expect([json.format, csv.format, tb.format]).toEqual(['keras-history', 'keras-csv', 'tensorboard']);
    for (const log of [json, csv, tb]) {
      expect(Object.keys(log.series).sort()).toEqual(METRICS);
      expect(log.warnings).toBeUndefined();
      for (const m of METRICS) expect(log.series[m]!.map((p) => p.step)).toEqual([...Array(expected.epochs).keys()]);
    }
  });

  test('History JSON and CSVLogger hold the same doubles', () => {
    expect(stripWallTime(csv)).toEqual(stripWallTime(json));
  });

  test('TensorBoard holds the same values to float32 precision (both the tensor and the simple_value form)', () => {
    for (const m of METRICS) {
      const want = json.series[m]!.map((p) => ({ step: p.step, value: Math.fround(p.value) }));
      expect(tb.series[m]!.map(({ step, value }) => ({ step, value }))).toEqual(want);
    }
    // The accuracies are doubles such as 0.6833333333333333: really rounded on the way to float32.
    expect(json.series['accuracy']!.some((p) => Math.fround(p.value) !== p.value)).toBe(true);
  });

  test('TensorBoard points carry wall times, the other formats none', () => {
    expect(tb.series['loss']![0]!.wallTime).toBe(1_700_000_000.25);
    expect(tb.series['val_loss']![1]!.wallTime).toBeCloseTo(1_700_000_000.6, 6);
    expect(json.series['loss']![0]!.wallTime).toBeUndefined();
  });

  test('the recorded best validation loss matches what the Python script computed', () => {
    const best = json.series['val_loss']!.reduce((a, b) => (b.value < a.value ? b : a));
    expect(best.step).toBe(expected.best_epoch);
    expect(best.value).toBe(expected.best_val_loss);
  });
});

describe('readTrainingLog picks the reader', () => {
  test('one event file inside train/ or validation/ gets Keras names; elsewhere the raw tags', async () => {
    const valDir = join(root, 'overfit/logs/validation');
    const valFile = join(valDir, readdirSync(valDir)[0]!);
    const one = await readTrainingLog(valFile);
    expect(Object.keys(one.series).sort()).toEqual(['val_accuracy', 'val_loss']);
    const loose = join(tmp, 'events.out.tfevents.1.h.v2');
    copyFileSync(valFile, loose);
    expect(Object.keys((await readTrainingLog(loose)).series).sort()).toEqual(['epoch_accuracy', 'epoch_loss']);
  });

  test('content sniffing: CSVLogger as training.log, History without extension, events under another name', async () => {
    copyFileSync(join(root, 'healthy/training.csv'), join(tmp, 'training.log'));
    copyFileSync(join(root, 'healthy/history.json'), join(tmp, 'history'));
    const trainDir = join(root, 'healthy/logs/train');
    copyFileSync(join(trainDir, readdirSync(trainDir)[0]!), join(tmp, 'run.bin'));
    expect((await readTrainingLog(join(tmp, 'training.log'))).format).toBe('keras-csv');
    expect((await readTrainingLog(join(tmp, 'history'))).format).toBe('keras-history');
    const tb = await readTrainingLog(join(tmp, 'run.bin'));
    expect(tb.format).toBe('tensorboard');
    expect(Object.keys(tb.series).sort()).toEqual(['epoch_accuracy', 'epoch_loss']); // the "keras" model-config string tensor is skipped
    writeFileSync(join(tmp, 'semicolons.log'), 'epoch;loss\n0;0.5\n1;0.25\n');
    expect((await readTrainingLog(join(tmp, 'semicolons.log'))).series['loss']).toEqual([
      { step: 0, value: 0.5 },
      { step: 1, value: 0.25 }
    ]);
  });

  test('nested runs keep their folder; tags outside the Keras pattern keep train/ and validation/', async () => {
    const logs = join(tmp, 'nested');
    mkdirSync(join(logs, 'run1'), { recursive: true });
    for (const sub of ['train', 'validation']) {
      const from = join(root, 'healthy/logs', sub);
      mkdirSync(join(logs, 'run1', sub));
      copyFileSync(join(from, readdirSync(from)[0]!), join(logs, 'run1', sub, readdirSync(from)[0]!));
    }
    const log = await readTrainingLog(logs);
    expect(Object.keys(log.series).sort()).toEqual(['run1/accuracy', 'run1/loss', 'run1/val_accuracy', 'run1/val_loss']);
  });

  test('clear errors for what it cannot read', async () => {
    await expect(readTrainingLog(join(tmp, 'missing.json'))).rejects.toThrow(`${join(tmp, 'missing.json')}: training log not found`);
    const empty = join(tmp, 'empty-dir');
    mkdirSync(empty);
    await expect(readTrainingLog(empty)).rejects.toThrow(/no TensorBoard event files/);
    writeFileSync(join(tmp, 'notes.txt'), 'hello\n');
    await expect(readTrainingLog(join(tmp, 'notes.txt'))).rejects.toThrow(DataError);
    await expect(readTrainingLog(join(tmp, 'notes.txt'))).rejects.toThrow(/not a training log this tool reads/);
  });
});
