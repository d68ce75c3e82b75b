// Row ids: one key per id as the pipeline compares them, and the first id written twice.

import type { Column, Dataset } from '../types.js';
import { parseDecimal } from './typing.js';

// From here up, distinct integers share a double (2^53 + 1 reads as 2^53): such ids are compared as written.
const EXACT = 2 ** 53;

/**
 * The key an id is matched by: "7", "7.0" and " 7" are one id, in a numeric column or a text one;
 * text that is not a number, and numbers too large for a double to tell apart, as written (trimmed).
 * Undefined for a missing id.
 */
export function idKey(column: Column, row: number): string | undefined {
  if (column.kind === 'numeric') {
    const v = column.values[row];
    if (Number.isNaN(v)) return undefined;
    return Math.abs(v) < EXACT ? String(v) : column.raw[row]!.trim();
  }
  const text = column.values[row];
  if (text === null) return undefined;
  const v = parseDecimal(text);
  return Math.abs(v) < EXACT ? String(v) : text.trim();
}

/** Where a row is, for "appears on line 5 and line 9": its line in a text file, its index in an array file. */
export function rowWords(dataset: Pick<Dataset, 'recordLines'>, row: number): string {
  return dataset.recordLines.length === 0 ? `row ${row}` : `line ${dataset.recordLines[row]}`;
}

/** Whether every id of the column is a number that matches by value (no string keys needed): the usual case. */
export function numericIds(column: Column): column is Column & { kind: 'numeric' } {
  if (column.kind !== 'numeric' || column.missing > 0) return false;
  const v = column.values;
  for (let i = 0; i < v.length; i++) if (!(Math.abs(v[i]) < EXACT)) return false;
  return true;
}

/** The first id that appears twice (rows 0-based) or has no value, or undefined when every id is there once. */
export function idProblem(column: Column): { missing: number } | { first: number; second: number } | undefined {
  if (numericIds(column)) {
    // A typed sort is about ten times faster than a map of a million keys; the rows are found after.
    const v = column.values;
    const sorted = Float64Array.from(v).sort();
    let twice = NaN;
    for (let i = 1; i < sorted.length && twice !== twice; i++) if (sorted[i] === sorted[i - 1]) twice = sorted[i];
    if (twice !== twice) return undefined;
    const first = v.indexOf(twice);
    return { first, second: v.indexOf(twice, first + 1) };
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < column.values.length; i++) {
    const key = idKey(column, i);
    if (key === undefined) return { missing: i };
    const first = seen.get(key);
    if (first !== undefined) return { first, second: i };
    seen.set(key, i);
  }
  return undefined;
}
