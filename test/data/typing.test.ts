import {
  MISSING_TOKENS,
  firstNonNumeric,
  isMissingToken,
  parseDecimal,
  typeColumn,
  typeColumns
} from '../../src/data/typing.js';
import type { CategoricalColumn, NumericColumn } from '../../src/types.js';

const PANDAS_NA = [
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null'
];

describe('parseDecimal', () => {
  test.each([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+7', 7],
    ['3.25', 3.25],
    ['.5', 0.5],
    ['5.', 5],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['2.5e-3', 0.0025],
    ['  12  ', 12],
    ['\t-1.5\r', -1.5],
    ['007', 7],
    ['0.1', 0.1],
    // eslint-disable-next-line no-loss-of-precision -- the same rounding the reader must do
    ['123456789012345678901234567890', 123456789012345678901234567890],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['5e-324', 5e-324],
    ['1e-400', 0],
    ['0.30000000000000004', 0.30000000000000004],
    ['9007199254740993', 9007199254740992],
    ['1.00000000000000000000000000001', 1],
    // Outside the exact fast path (power of ten above 10^22): must still be correctly rounded.
    ['423164788439854e25', 423164788439854e25],
    ['202465810393109e-25', 202465810393109e-25],
    ['202465810393109e25', 202465810393109e25]
  ])('%j is %p', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  test('-0 keeps its sign', () => {
    expect(Object.is(parseDecimal('-0'), -0)).toBe(true);
    expect(Object.is(parseDecimal('-0.0e5'), -0)).toBe(true);
  });

  test.each([
    '', ' ', '\t', '+', '-', '.', '-.', 'e5', '.e5', '1e', '1e+', '1e-', '1,5', '1 000', '0x10', '0b1', '0o7',
    '12abc', 'abc', '1_000', '1..2', '1.2.3', '--1', '+-1', '1e5.5', '١٢', '１２', '\u00a012', ' inf', 'inf ',
    'infinit', 'in f', 'inf.0', '-+inf', 'infinityy', 'NaN', 'nan', '1.#IND', '1 2', '$5', '5%'
  ])('%j is not a number', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });

  // pandas 3.0.6, numpy 2.4.6: pd.read_csv(io.StringIO('a\n' + t + '\n1\n')).a[0], the C and the python
  // engine alike, is inf or -inf for each of these; ' inf', 'inf ', 'infinit' and 'inf.0' stay str. pandas
  // and Python write float('inf') as "inf" (df.to_csv, repr).
  test.each([
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+inf', Infinity],
    ['Inf', Infinity],
    ['INF', Infinity],
    ['iNf', Infinity],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['+Infinity', Infinity],
    ['infinity', Infinity],
    ['INFINITY', Infinity],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    [' 1e400', Infinity],
    ['1.7976931348623159e308', Infinity],
    ['-1.0e309', -Infinity]
  ])('%j is %p, as pandas reads it', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  test('agrees with Number() on many generated decimal spellings', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let checked = 0;
    for (let k = 0; k < 20000; k++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 60 - 30);
      for (const text of [String(x), x.toFixed(Math.floor(rnd() * 20)), x.toExponential(Math.floor(rnd() * 20)), x.toPrecision(1 + Math.floor(rnd() * 21))]) {
        const expected = Number(text);
        if (!Number.isFinite(expected)) continue;
        if (!Object.is(parseDecimal(text), expected)) throw new Error(`parseDecimal(${text}) = ${parseDecimal(text)}, Number gives ${expected}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(70000);
  });
});

describe('missing tokens', () => {
  test("are exactly pandas' default na_values", () => {
    expect([...MISSING_TOKENS].sort()).toEqual([...PANDAS_NA].sort());
    for (const token of PANDAS_NA) expect(isMissingToken(token)).toBe(true);
  });

  test.each(['na', 'Na', 'NONE', 'none', ' NA', 'NA ', '  ', '-', '?', 'Null', 'NAN', 'nil', 'undefined'])('%j is not missing', (text) => {
    expect(isMissingToken(text)).toBe(false);
  });
});

describe('typeColumn', () => {
  test('numbers with missing tokens: numeric, NaN where missing, raw keeps the text', () => {
    const column = typeColumn('x', ['1', ' 2.5 ', 'NA', '', '-3e2', 'nan', '#N/A']) as NumericColumn;
    expect(column.kind).toBe('numeric');
    expect(column.name).toBe('x');
    expect(Array.from(column.values)).toEqual([1, 2.5, NaN, NaN, -300, NaN, NaN]);
    expect(column.raw).toEqual(['1', ' 2.5 ', null, null, '-3e2', null, null]);
    expect(column.missing).toBe(4);
  });

  test('numeric column without missing values', () => {
    const column = typeColumn('y', ['1', '0', '1.0']) as NumericColumn;
    expect(column.kind).toBe('numeric');
    expect(Array.from(column.values)).toEqual([1, 0, 1]);
    expect(column.raw).toEqual(['1', '0', '1.0']);
    expect(column.missing).toBe(0);
  });

  test('one non-number makes the column categorical, text kept as written, missing tokens null', () => {
    const column = typeColumn('c', ['1', '2', '1,5', 'NA', ' 3 ']) as CategoricalColumn;
    expect(column.kind).toBe('categorical');
    expect(column.values).toEqual(['1', '2', '1,5', null, ' 3 ']);
    expect(column.missing).toBe(1);
  });

  test.each([['0x10'], ['12abc'], ['  '], ['TRUE'], [' inf'], ['infinite']])('a column holding %j is categorical', (odd) => {
    const column = typeColumn('c', ['1', odd, '3']);
    expect(column.kind).toBe('categorical');
    expect(column.values).toEqual(['1', odd, '3']);
  });

  test('whitespace-only cells are not missing (as in pandas)', () => {
    const column = typeColumn('c', ['a', '  ']);
    expect(column.values).toEqual(['a', '  ']);
    expect(column.missing).toBe(0);
  });

  test('all-missing and empty columns are numeric (as in pandas)', () => {
    const allMissing = typeColumn('m', ['', 'NA']) as NumericColumn;
    expect(allMissing.kind).toBe('numeric');
    expect(allMissing.missing).toBe(2);
    expect(allMissing.raw).toEqual([null, null]);
    const empty = typeColumn('e', []);
    expect(empty.kind).toBe('numeric');
    expect(empty.values.length).toBe(0);
  });

  test('forced categorical keeps numeric-looking text', () => {
    const column = typeColumn('label', ['0', '1', 'NA', '1.0'], true) as CategoricalColumn;
    expect(column.kind).toBe('categorical');
    expect(column.values).toEqual(['0', '1', null, '1.0']);
    expect(column.missing).toBe(1);
  });
});

test.each([['inf', Infinity], ['-inf', -Infinity], ['Infinity', Infinity], ['1e400', Infinity]])('a column holding %j is numeric, %p there, raw kept', (text, value) => {
  const column = typeColumn('c', ['1', text, '3']) as NumericColumn;
  expect(column.kind).toBe('numeric');
  expect(Array.from(column.values)).toEqual([1, value, 3]);
  expect(column.raw).toEqual(['1', text, '3']);
  expect(column.missing).toBe(0);
});

describe('typeColumns', () => {
  test('types each column and honours the categorical override by name', () => {
    const columns = typeColumns(['a', 'label', 'b'], [['1', '2'], ['0', '1'], ['x', 'y']], { categorical: ['label', 'not-there'] });
    expect(columns.map((c) => [c.name, c.kind])).toEqual([
      ['a', 'numeric'],
      ['label', 'categorical'],
      ['b', 'categorical']
    ]);
    expect(columns[1]!.values).toEqual(['0', '1']);
  });
});

describe('firstNonNumeric', () => {
  test('names the first cell that kept a column from being numeric', () => {
    expect(firstNonNumeric(typeColumn('c', ['1', 'NA', 'inf', 'x']))).toEqual({ row: 3, value: 'x' });
  });
  test('undefined for numeric and for forced-categorical numeric columns', () => {
    expect(firstNonNumeric(typeColumn('c', ['1', '2']))).toBeUndefined();
    expect(firstNonNumeric(typeColumn('c', ['1', '', '2'], true))).toBeUndefined();
  });
});
