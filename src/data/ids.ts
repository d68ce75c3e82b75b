// Row ids: one key per id as the pipeline compares them, and the first id written twice.

import type { Column, Dataset } from '../types.js';
import { writtenAsShortest } from './shortest.js';
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

/**
 * The id of each row as written (null when missing), as `raw` gives it, but without making ten million
 * strings at once where the file wrote every id as String(value) would (plain integers: data/csv-fast.ts).
 */
export function writtenIds(column: Column): (row: number) => string | null {
  if (column.kind === 'categorical') return (row) => column.values[row];
  const values = column.values;
  if (writtenAsShortest(column)) return (row) => (values[row] === values[row] ? String(values[row]) : null);
  const raw = column.raw;
  return (row) => raw[row];
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
    // A typed index (no map of a million keys) finds the first repeat in row order, as the text path does.
    const index = numericIdIndex(column.values);
    return 'first' in index ? index : undefined;
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

/** Rows by id, for ids that match by value: `rowOf(id)` is the row holding it, or -1. */
export interface NumericIdIndex {
  rowOf: (id: number) => number;
}

/**
 * The row of each id in `ids` (numbers below 2^53, none missing: see numericIds), or the first id
 * written twice, in row order. Integers in a range not much wider than the rows (the usual ids) take
 * one Int32Array slot per value; other numbers an open-addressing hash on their bits. Either way a
 * few bytes per row and no string or Map entry per row: ten million ids index in well under a second.
 */
export function numericIdIndex(ids: Float64Array): NumericIdIndex | { first: number; second: number } {
  const n = ids.length;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const v = ids[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  if (n === 0) return { rowOf: () => -1 };
  if (integers && max - min < 4 * n + 1024) {
    const table = new Int32Array(max - min + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const slot = ids[i] - min;
      const first = table[slot];
      if (first !== -1) return { first, second: i };
      table[slot] = i;
    }
    return { rowOf: (id) => (Number.isInteger(id) && id >= min && id <= max ? table[id - min] : -1) };
  }
  let bits = 1;
  while (bits < 2 * n) bits *= 2;
  const mask = bits - 1;
  const keys = new Float64Array(bits);
  const rows = new Int32Array(bits).fill(-1);
  const word = new Float64Array(1);
  const halves = new Uint32Array(word.buffer);
  const slotOf = (v: number): number => {
    // -0 and 0 are one id (SameValueZero, as a Map keys them).
    word[0] = v === 0 ? 0 : v;
    let h = Math.imul(halves[0] ^ Math.imul(halves[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & mask;
    while (rows[slot] !== -1 && keys[slot] !== v) slot = (slot + 1) & mask;
    return slot;
  };
  for (let i = 0; i < n; i++) {
    const slot = slotOf(ids[i]);
    if (rows[slot] !== -1) return { first: rows[slot], second: i };
    keys[slot] = ids[i];
    rows[slot] = i;
  }
  return { rowOf: (id) => (id === id ? rows[slotOf(id)] : -1) };
}
