// Agreement with pandas: fixtures/pandas_tricky.csv was written by pandas' to_csv (UTF-8 BOM, CRLF
// records, quoted cells with commas, quotes and newlines, NaN, unicode) and
// fixtures/pandas_tricky.expected.json is what pd.read_csv read back. Regenerate both with
// /usr/bin/python3 test/data/fixtures/make_pandas_csv.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../../src/data/read.js';
import type { Column } from '../../src/types.js';

interface Expected {
  pandas: string;
  rows: number;
  columns: { name: string; dtype: string; values: (number | string | boolean | null)[] }[];
}

const csvPath = fileURLToPath(new URL('./fixtures/pandas_tricky.csv', import.meta.url));
const expected = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/pandas_tricky.expected.json', import.meta.url)), 'utf8')) as Expected;

// Known, deliberate differences from pandas 1.5.3:
// - pandas reads a column of True/False as dtype bool; model-gate keeps it categorical "True"/"False".
// - 'None' is a missing token here (pandas >= 2.0 default na_values); pandas 1.5.3 keeps "None" as text.
function pandasValueAsOurs(value: number | string | boolean | null): number | string | null {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === 'None') return null;
  return value;
}

function ourValues(column: Column): (number | string | null)[] {
  if (column.kind === 'numeric') return Array.from(column.values, (v) => (Number.isNaN(v) ? null : v));
  return column.values;
}

test('the fixture is the pandas one this test was written for', () => {
  expect(expected.pandas).toBe('1.5.3');
  expect(readFileSync(csvPath, 'utf8').startsWith('\ufeffid,score')).toBe(true);
  expect(readFileSync(csvPath, 'utf8')).toContain('\r\n');
});

test('model-gate reads pandas_tricky.csv as pd.read_csv does', async () => {
  const dataset = await readDataset(csvPath);
  expect(dataset.rowCount).toBe(expected.rows);
  expect(dataset.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
  for (const want of expected.columns) {
    const column = dataset.columns.find((c) => c.name === want.name)!;
    const pandasNumeric = want.dtype.startsWith('int') || want.dtype.startsWith('float');
    expect({ name: want.name, kind: column.kind }).toEqual({ name: want.name, kind: pandasNumeric ? 'numeric' : 'categorical' });
    const values = want.values.map(pandasValueAsOurs);
    expect({ name: want.name, values: ourValues(column) }).toEqual({ name: want.name, values });
    expect({ name: want.name, missing: column.missing }).toEqual({ name: want.name, missing: values.filter((v) => v === null).length });
  }
});

test('spot checks on the tricky cells', async () => {
  const dataset = await readDataset(csvPath);
  const col = (name: string) => dataset.columns.find((c) => c.name === name)!;
  expect(col('text').values).toEqual(['plain', 'comma, inside', 'say "hi"', 'line one\nline two', '  padded  ', 'café 中文 🚀', null, null]);
  expect(col('odd, "name"').kind).toBe('categorical');
  expect(Object.is(col('score').values[6], -0)).toBe(true);
  // The record with the embedded newline spans lines 5-6, so later records start one line later.
  expect(Array.from(dataset.recordLines)).toEqual([2, 3, 4, 5, 7, 8, 9, 10]);
  const label = col('label');
  expect(label.kind === 'numeric' && label.raw).toEqual(['1', '0', '1', '1', '0', '0', '1', '0']);
  const forced = await readDataset(csvPath, { categorical: ['label'] });
  expect(forced.columns.find((c) => c.name === 'label')!.values).toEqual(['1', '0', '1', '1', '0', '0', '1', '0']);
});
