import { encodeTruth, resolveClasses, resolveTask, distinctLabels } from '../../src/pipeline/labels.js';
import type { Column, Dataset } from '../../src/types.js';

const cat = (values: (string | null)[]): Column => ({ name: 'y', kind: 'categorical', values, missing: values.filter((v) => v === null).length });
const num = (values: number[]): Column => ({ name: 'y', kind: 'numeric', values: Float64Array.from(values), raw: values.map(String), missing: values.filter(Number.isNaN).length });
const ds = (col: Column): Dataset => ({ path: 'eval.csv', rowCount: col.values.length, columns: [col], recordLines: Int32Array.from(col.values.map((_, i) => i + 2)) });

test('classes sort like np.unique: numbers numerically, text lexically', () => {
  expect(distinctLabels(num([10, 2, 1, 2]))).toEqual(['1', '2', '10']);
  expect(distinctLabels(cat(['b', 'a', 'B']))).toEqual(['B', 'a', 'b']);
});

test('auto task: text or two values is classification, numbers with more are regression', () => {
  expect(resolveTask('auto', cat(['a', 'b']), undefined)).toBe('binary');
  expect(resolveTask('auto', cat(['a', 'b', 'c']), undefined)).toBe('multiclass');
  expect(resolveTask('auto', num([0, 1, 1]), undefined)).toBe('binary');
  expect(resolveTask('auto', num([1.5, 2, 3]), undefined)).toBe('regression');
  expect(resolveTask('auto', num([1.5, 2, 3]), 'multiclass')).toBe('multiclass');
  expect(resolveTask('regression', cat(['a']), 'binary')).toBe('regression');
});

test('binary positive class goes second', () => {
  expect(resolveClasses('binary', cat(['no', 'yes']), undefined, undefined, undefined)).toEqual(['no', 'yes']);
  expect(resolveClasses('binary', cat(['no', 'yes']), undefined, undefined, 'no')).toEqual(['yes', 'no']);
  expect(() => resolveClasses('binary', cat(['a', 'b', 'c']), undefined, undefined, undefined)).toThrow(/binary task but the label has 3 classes/);
  expect(() => resolveClasses('binary', cat(['a', 'b']), undefined, undefined, 'c')).toThrow(/positive-class "c" is not one of the classes/);
});

test('a label the model cannot output names the file and line', () => {
  expect(() => encodeTruth(ds(cat(['a', 'b', 'z'])), cat(['a', 'b', 'z']), 'multiclass', ['a', 'b'])).toThrow(
    'eval.csv:4: label "z" is not a class the model can output (a, b).',
  );
});

test('a missing label names the first line', () => {
  const col = cat(['a', null, 'b']);
  expect(() => encodeTruth(ds(col), col, 'binary', ['a', 'b'])).toThrow(/^eval\.csv:3: the label "y" is missing here \(1 rows in all\)/);
});

test('numeric labels match class names canonically', () => {
  const col = num([1, 0, 1]);
  const t = encodeTruth(ds(col), col, 'binary', ['0', '1']);
  expect(Array.from(t.y)).toEqual([1, 0, 1]);
});

test('regression needs numbers', () => {
  const col = cat(['1.5', 'high']);
  expect(() => encodeTruth(ds(col), col, 'regression', [])).toThrow(/eval\.csv:3: regression needs a numeric label, but "y" holds "high"/);
});
