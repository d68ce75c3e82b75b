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

test('an id written twice in the predictions file is an error naming both lines (the last row used to win)', () => {
  const preds = parseDataset('id,score\n10,0.1\n11,0.2\n12,0.3\n11,0.9\n', 'preds.csv');
  expect(() => predictionsFromTable(preds, input())).toThrow('preds.csv: id "11" appears on line 3 and line 5 (model prod). A predictions file needs one row per id: drop the repeated row.');
  // "11.0" is the id 11 too; text ids are compared as written.
  expect(() => predictionsFromTable(parseDataset('id,score\n10,0.1\n11,0.2\n12,0.3\n11.0,0.9\n', 'preds.csv'), input())).toThrow(/id "11\.0" appears on line 3 and line 5/);
  const text = parseDataset('id,x,y\na,1,a\nb,2,b\n', 'eval.csv');
  const dup = parseDataset('id,score\nb,0.1\na,0.2\n"b",0.3\n', 'preds.csv');
  expect(() => predictionsFromTable(dup, input({ dataset: text, idColumn: text.columns[0] }))).toThrow('preds.csv: id "b" appears on line 2 and line 4 (model prod).');
});

test('a repeated id is quoted and shortened in the message', () => {
  const long = `x\n::error::${'z'.repeat(1000)}`;
  const text = parseDataset(`id,x,y\n"${long}",1,a\n`, 'eval.csv');
  const dup = parseDataset(`id,score\n"${long}",0.1\n"${long}",0.3\n`, 'preds.csv');
  expect(() => predictionsFromTable(dup, input({ dataset: text, idColumn: text.columns[0] }))).toThrow(/^preds\.csv: id "x\\n::error::z+… \(\+811 characters\)" appears on line 2 and line 4 \(model prod\)/);
});

test('a prediction without an id is an error naming its line', () => {
  const preds = parseDataset('id,score\n10,0.1\n,0.5\n11,0.2\n12,0.3\n', 'preds.csv');
  expect(() => predictionsFromTable(preds, input())).toThrow('preds.csv:3: this prediction of model prod has no id in "id". Every row needs the id of its evaluation row.');
});

test('ids the data does not have are left out, and a note says how many, showing the first three', () => {
  const preds = parseDataset('id,score\n12,0.3\n99,0.5\n10,0.1\n"a\nb",0.5\n11,0.2\n7,0.5\n8,0.5\n', 'preds.csv');
  const notes: string[] = [];
  const p = predictionsFromTable(preds, input(), notes);
  expect(p.kind === 'binary' && Array.from(p.scores)).toEqual([0.1, 0.2, 0.3]);
  expect(notes).toEqual(['preds.csv: 4 predictions have ids not in eval.csv ("99", "a\\nb", "7", …); they were left out.']);
  // Asked again (another pass over the same file), the note is not repeated.
  predictionsFromTable(preds, input(), notes);
  expect(notes).toHaveLength(1);
  const one: string[] = [];
  predictionsFromTable(parseDataset('id,score\n10,0.1\n11,0.2\n12,0.3\n13,0.4\n', 'preds.csv'), input(), one);
  expect(one).toEqual(['preds.csv: 1 prediction has an id not in eval.csv ("13"); they were left out.']);
});

test('integer ids beyond 2^53 are matched as written, not as the double they round to', () => {
  // 9007199254740993 and 9007199254740992 are one double; as ids they are two rows.
  const big = parseDataset('id,x,y\n9007199254740993,1,a\n9007199254740992,2,b\n', 'eval.csv');
  const preds = parseDataset('id,score\n9007199254740992,0.2\n9007199254740993,0.1\n', 'preds.csv');
  const p = predictionsFromTable(preds, input({ dataset: big, idColumn: big.columns[0] }));
  expect(p.kind === 'binary' && Array.from(p.scores)).toEqual([0.1, 0.2]);
});

test('a predictions file that cannot be read names the input that gave it, not `data`', async () => {
  const { loadPredictionsFile } = await import('../../src/engines/predictions-file.js');
  const path = await import('node:path');
  (await import('node:fs')).mkdirSync(path.join(process.cwd(), 'tmp', 'dir.csv'), { recursive: true });
  // A folder where the file should be: before, "point the `data` input at a file".
  await expect(loadPredictionsFile(path.join(process.cwd(), 'tmp', 'dir.csv'), 'production', 'baselines')).rejects.toThrow(/predictions of model production: .*the `baselines` input/);
});
