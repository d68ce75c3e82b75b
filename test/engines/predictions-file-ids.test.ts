// Matching a predictions file's rows to the data's by numeric id through a typed index
// (data/ids.ts numericIdIndex), checked against a Map of the same ids (the brute-force reference),
// and reading only the columns a predictions file can hold.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idProblem, numericIdIndex } from '../../src/data/ids.js';
import { parseDataset } from '../../src/data/read.js';
import { typeColumn } from '../../src/data/typing.js';
import type { PredictInput } from '../../src/engines/engine.js';
import { loadPredictionsFile, predictionColumn, predictionsFromTable } from '../../src/engines/predictions-file.js';
import { rng } from '../support/rng.js';

/** The reference: a Map keyed by value (SameValueZero: -0 and 0 are one key), first repeat in row order. */
function mapIndex(ids: Float64Array): Map<number, number> | { first: number; second: number } {
  const where = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) {
    const first = where.get(ids[i]);
    if (first !== undefined) return { first, second: i };
    where.set(ids[i], i);
  }
  return where;
}

function agree(ids: Float64Array, probes: number[]): void {
  const typed = numericIdIndex(ids);
  const ref = mapIndex(ids);
  if (ref instanceof Map) {
    expect('rowOf' in typed).toBe(true);
    if (!('rowOf' in typed)) return;
    let wrong = 0;
    for (let i = 0; i < ids.length; i++) if (typed.rowOf(ids[i]) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(probes.map((p) => typed.rowOf(p))).toEqual(probes.map((p) => ref.get(p) ?? -1));
  } else {
    expect(typed).toEqual(ref);
  }
}

describe('numericIdIndex agrees with a Map of the same ids', () => {
  const rand = rng(21);
  const shuffled = (n: number, at: (i: number) => number) => {
    const a = Float64Array.from({ length: n }, (_, i) => at(i));
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const probes = [-1, 0, -0, 0.5, 1e9, 2 ** 52, NaN, Infinity, 7, 99999, 100000];

  test('dense integers (0..n-1 shuffled, and an offset range): the slot table', () => {
    agree(shuffled(100000, (i) => i), probes);
    agree(shuffled(5000, (i) => i * 3 - 7000), probes);
  });
  test('sparse integers, fractions and negatives: the hash', () => {
    agree(shuffled(20000, (i) => i * 1_000_003 + 17), probes);
    agree(shuffled(20000, (i) => (i - 10000) / 8), [...probes, -0.125, 1249.875, 1250]);
    agree(shuffled(3000, () => Math.floor(rand() * 2 ** 52) - 2 ** 51), probes);
  });
  test('repeats: the first id written twice, in row order, by both paths', () => {
    agree(Float64Array.from([5, 0, 3, -0, 3]), probes);
    agree(Float64Array.from([5e9, 1.5, 7e12, 1.5, 5e9]), probes);
    const dense = shuffled(50000, (i) => i);
    dense[40000] = dense[123];
    agree(dense, probes);
    const sparse = shuffled(50000, (i) => i * 7919.5);
    sparse[49999] = sparse[0];
    sparse[30000] = sparse[20000];
    agree(sparse, probes);
  });
  test('no ids at all', () => {
    agree(new Float64Array(0), probes);
  });
  test('idProblem names the first repeat in row order, as the text path does', () => {
    expect(idProblem(typeColumn('id', ['9', '4', '4', '9']))).toEqual({ first: 1, second: 2 });
    expect(idProblem(typeColumn('id', ['x9', 'x4', 'x4', 'x9']))).toEqual({ first: 1, second: 2 });
  });
});

describe('predictions matched by id in any order', () => {
  test('100,000 rows shuffled, and sparse ids: every score lands on its row', () => {
    const rand = rng(5);
    const n = 100000;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const scale of [1, 1000.5]) {
      const data = parseDataset(`id,y\n${Array.from({ length: n }, (_, i) => `${i * scale},${i % 2}`).join('\n')}\n`, 'eval.csv');
      // The score of id k is k / n: easy to check wherever the row went.
      const preds = parseDataset(`id,score\n${order.map((k) => `${k * scale},${k / n}`).join('\n')}\n`, 'preds.csv');
      const input: PredictInput = { name: 'm', dataset: data, features: [], task: 'binary', classes: ['0', '1'], idColumn: data.columns[0], batchSize: 10 };
      const p = predictionsFromTable(preds, input);
      expect(p.kind).toBe('binary');
      const scores = (p as { scores: Float64Array }).scores;
      let wrong = 0;
      for (let i = 0; i < n; i++) if (scores[i] !== i / n) wrong++;
      expect(wrong).toBe(0);
    }
  });
});

describe('reading only the prediction columns', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-gate-pf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('which columns a predictions file can hold', () => {
    expect(['score', 'prediction', 'p_a', 'p_1', 'row', 'note', 'id'].filter((n) => predictionColumn(n, 'row'))).toEqual(['score', 'prediction', 'p_a', 'p_1', 'row']);
  });

  test('told the id column, the file gives the same predictions, and a missing column is named with every column of the file', async () => {
    const path = join(dir, 'wide.csv');
    await writeFile(path, 'note,row,score,extra\nx,2,0.2,9\ny,1,0.1,8\nz,3,0.3,7\n');
    const data = parseDataset('row,y\n1,a\n2,b\n3,a\n', 'eval.csv');
    const input: PredictInput = { name: 'm', dataset: data, features: [], task: 'binary', classes: ['a', 'b'], idColumn: data.columns[0], batchSize: 10 };
    const lean = await loadPredictionsFile(path, 'm', 'candidate', { id: 'row' });
    const full = await loadPredictionsFile(path, 'm', 'candidate');
    const a = await lean.predict(input);
    expect(a.kind === 'binary' && Array.from(a.scores)).toEqual([0.1, 0.2, 0.3]);
    expect(await full.predict(input)).toEqual(a);
    await expect(lean.predict({ ...input, task: 'regression' })).rejects.toThrow('it has "note", "row", "score", "extra"');
    // Closed, the model lets its table go: asking again is a named error, not stale data.
    lean.dispose();
    await expect(lean.predict(input)).rejects.toThrow('predictions of model m: asked for after the model was closed');
  });
});
