import { parseDataset } from '../../src/data/read.js';
import { predictionsFromTable } from '../../src/engines/predictions-file.js';
import type { PredictInput } from '../../src/engines/engine.js';

const data = parseDataset('id,x,y\n10,1,a\n11,2,b\n12,3,a\n', 'eval.csv');
const input = (over: Partial<PredictInput> = {}): PredictInput => ({
  name: 'prod',
  dataset: data,
  features: [],
  task: 'binary',
  classes: ['a', 'b'],
  idColumn: data.columns[0],
  batchSize: 10,
  ...over,
});

test('rows match by id when both files have it, whatever their order', () => {
  const preds = parseDataset('id,score\n12,0.3\n10,0.1\n11.0,0.2\n', 'preds.csv');
  const p = predictionsFromTable(preds, input());
  expect(p.kind === 'binary' && Array.from(p.scores)).toEqual([0.1, 0.2, 0.3]);
});

test('without ids, rows match by order and the counts must agree', () => {
  const preds = parseDataset('score\n0.1\n0.2\n', 'preds.csv');
  expect(() => predictionsFromTable(preds, input())).toThrow('preds.csv: 2 predictions for 3 evaluation rows (model prod).');
});

test('a missing id names the evaluation line', () => {
  const preds = parseDataset('id,score\n10,0.1\n11,0.2\n', 'preds.csv');
  expect(() => predictionsFromTable(preds, input())).toThrow('preds.csv: no prediction for id "12" (eval.csv:4) from model prod.');
});

test('multiclass reads p_<class> columns in class order; missing ones are named', () => {
  const preds = parseDataset('p_b,p_a\n0.9,0.1\n0.2,0.8\n0.5,0.5\n', 'preds.csv');
  const p = predictionsFromTable(preds, input({ task: 'multiclass', idColumn: undefined }));
  expect(p.kind === 'multiclass' && Array.from(p.probs)).toEqual([0.1, 0.9, 0.8, 0.2, 0.5, 0.5]);
  expect(() => predictionsFromTable(preds, input({ task: 'multiclass', classes: ['a', 'b', 'c'], idColumn: undefined }))).toThrow(/no column "p_c".*p_a, p_b, p_c/);
});

test('binary accepts p_<positive> too; regression needs prediction', () => {
  const preds = parseDataset('p_b\n0.9\n0.2\n0.5\n', 'preds.csv');
  expect(predictionsFromTable(preds, input({ idColumn: undefined })).kind).toBe('binary');
  expect(() => predictionsFromTable(preds, input({ task: 'regression', idColumn: undefined }))).toThrow(/a "prediction" column/);
});

test('text in a score column names the line', () => {
  const preds = parseDataset('score\n0.1\nhigh\n0.3\n', 'preds.csv');
  expect(() => predictionsFromTable(preds, input({ idColumn: undefined }))).toThrow('preds.csv:3: column "score" must hold numbers, found "high".');
});
