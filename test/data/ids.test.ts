import { idKey, idProblem, numericIds, rowWords } from '../../src/data/ids.js';
import { parseDataset } from '../../src/data/read.js';
import { typeColumn } from '../../src/data/typing.js';

test('"7", "7.0", " 7" and 7 are one id, in a numeric column or a text one', () => {
  const numeric = typeColumn('id', ['7', '7.0', ' 7', '7e0']);
  const text = typeColumn('id', ['7', '7.0', ' 7', 'seven']);
  expect([0, 1, 2, 3].map((i) => idKey(numeric, i))).toEqual(['7', '7', '7', '7']);
  expect([0, 1, 2, 3].map((i) => idKey(text, i))).toEqual(['7', '7', '7', 'seven']);
});

test('integers from 2^53 up are keyed as written: 9007199254740993 is not 9007199254740992', () => {
  const big = typeColumn('id', ['9007199254740992', '9007199254740993', '9007199254740991']);
  expect(numericIds(big)).toBe(false);
  expect(idProblem(big)).toBeUndefined();
  expect(idKey(big, 2)).toBe('9007199254740991');
});

test('the first repeated id, by the number path and by the text path, with both rows', () => {
  // 0 and -0 are one id (String(-0) is "0"), as 1 and 1.0 are.
  expect(idProblem(typeColumn('id', ['5', '0', '3', '-0', '3']))).toEqual({ first: 1, second: 3 });
  expect(idProblem(typeColumn('id', ['b', 'a', '1', 'c', '1.0']))).toEqual({ first: 2, second: 4 });
  expect(idProblem(typeColumn('id', ['1', '', '2']))).toEqual({ missing: 1 });
  expect(idProblem(typeColumn('id', ['a', 'NA']))).toEqual({ missing: 1 });
  expect(idProblem(typeColumn('id', ['3', '1', '2']))).toBeUndefined();
});

test('rows are named by line in a text file, by index in an array file', () => {
  const d = parseDataset('id\n1\n\n2\n', 'd.csv');
  expect(rowWords(d, 1)).toBe('line 4');
  expect(rowWords({ recordLines: new Int32Array(0) }, 1)).toBe('row 1');
});
