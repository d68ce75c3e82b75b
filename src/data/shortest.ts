// Which numeric columns hold, in every non-missing cell, the text String(value) would write: a reader
// that knows it says so here (CSV checks the bytes, .npz and Parquet know from the array type), so that
// ids can be keyed from the numbers instead of building `raw` (ten million strings at ten million rows).

import type { NumericColumn } from '../types.js';

const shortestText = new WeakMap<NumericColumn, () => boolean>();

/** Records how to tell (asked at most once per caller; answer may compute lazily). */
export function markWrittenAsShortest(column: NumericColumn, answer: () => boolean): void {
  shortestText.set(column, answer);
}

/**
 * Whether the text as written of every non-missing cell of `column` is String(value), so that a caller
 * can make the text from the number instead of asking for `raw`. False when unknown (a column another
 * reader made, or cells like "7.0", "+7", "1e3", "-0").
 */
export function writtenAsShortest(column: NumericColumn): boolean {
  return shortestText.get(column)?.() ?? false;
}
