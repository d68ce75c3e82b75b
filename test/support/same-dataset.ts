// Two readings of one file compared exactly: rows, lines, and every column with NaN, -0 and raw text told apart.

import type { Column, Dataset } from '../../src/types.js';

/** Column contents in a form where NaN, -0 and every raw text compare exactly. */
export function plain(column: Column): unknown {
  if (column.kind === 'categorical') return { name: column.name, kind: column.kind, missing: column.missing, values: column.values };
  return {
    name: column.name,
    kind: column.kind,
    missing: column.missing,
    values: Array.from(column.values, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v)),
    raw: column.raw,
  };
}

export function expectSameDataset(fast: Dataset, general: Dataset): void {
  expect(fast.rowCount).toBe(general.rowCount);
  expect(Array.from(fast.recordLines)).toEqual(Array.from(general.recordLines));
  expect(fast.columns.map(plain)).toEqual(general.columns.map(plain));
}
