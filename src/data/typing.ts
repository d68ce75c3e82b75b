// Turning raw text cells into typed columns. Pure functions; no I/O.
//
// Rules (chosen to agree with pandas.read_csv defaults where that is cheap):
// - A cell equal to one of MISSING_TOKENS (exact match, case and whitespace included) is missing.
// - A column is numeric when every non-missing cell is a decimal number: optional ASCII
//   whitespace around it, optional + or -, digits with an optional '.', an optional exponent.
//   "1,5", "0x10", "12abc", "1_000", ".", "e5" are not numbers.
// - Infinities are numbers, as pandas reads them: "inf" and "infinity" in any case, with an optional
//   sign and no space around (what pandas and Python write for float('inf')), and decimals that
//   overflow (1e400). So a label or prediction of inf reaches the checks that name it (pipeline/
//   labels.ts, check-predictions.ts) instead of being called text. `firstNonNumeric` tells the
//   caller which cell made a column categorical.
// - Everything else makes the column categorical; categorical cells keep their text as written.

import type { CategoricalColumn, Column, NumericColumn } from '../types.js';

/** pandas' default `na_values` (pandas 1.5), matched exactly. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null'
]);

export function isMissingToken(cell: string): boolean {
  return MISSING_TOKENS.has(cell);
}

export interface TypingOptions {
  /** Columns to keep categorical even when every cell is a number (e.g. a 0/1 label). */
  categorical?: readonly string[];
}

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const LOWER_I = 105;
const UPPER_I = 73;

/** Largest mantissa that can take one more decimal digit and stay below 2^53. */
const MANTISSA_LIMIT = (2 ** 53 - 9) / 10;
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function isSpace(c: number): boolean {
  // ASCII whitespace: tab, LF, VT, FF, CR, space. All of these are also trimmed by Number().
  return c === 32 || (c >= 9 && c <= 13);
}

// pandas 3.0.6 read_csv (C and python engines): these, in any case, are ±inf; " inf" is text.
const INFINITY_WORD = /^[+-]?inf(?:inity)?$/i;

/**
 * The value of a decimal number written as text (±Infinity for an infinity word or an overflowing
 * literal), or NaN when the text is not one (see the rules at the top of this file).
 */
export function parseDecimal(text: string): number {
  let end = text.length;
  let i = 0;
  if (end === 0) return NaN;
  let c = text.charCodeAt(0);
  // Only a cell that starts with a letter after its sign can be an infinity word: one test, no regex, for numbers.
  const first = c === PLUS || c === MINUS ? text.charCodeAt(1) : c;
  if ((first === LOWER_I || first === UPPER_I) && INFINITY_WORD.test(text)) return c === MINUS ? -Infinity : Infinity;
  if (isSpace(c) || isSpace(text.charCodeAt(end - 1))) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
    if (i === end) return NaN;
    c = text.charCodeAt(i);
  }
  const negative = c === MINUS;
  if (c === PLUS || c === MINUS) i++;
  // Digits are also accumulated into an exact integer mantissa while it stays below 2^53, so that
  // most values can be computed without calling Number() (see the fast path at the end).
  let mantissa = 0;
  let exact = true;
  let scale = 0; // power of ten to apply to the mantissa
  let digits = 0;
  while (i < end) {
    c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + (c - ZERO);
    else exact = false;
    i++;
    digits++;
  }
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      if (mantissa < MANTISSA_LIMIT) {
        mantissa = mantissa * 10 + (c - ZERO);
        scale--;
      } else if (c !== ZERO) {
        exact = false;
      }
      i++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end) {
    c = text.charCodeAt(i);
    if (c !== LOWER_E && c !== UPPER_E) return NaN;
    i++;
    let expNegative = false;
    if (i < end) {
      c = text.charCodeAt(i);
      if (c === PLUS || c === MINUS) {
        expNegative = c === MINUS;
        i++;
      }
    }
    let exponent = 0;
    let expDigits = 0;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      if (exponent < 100000) exponent = exponent * 10 + (c - ZERO);
      i++;
      expDigits++;
    }
    if (expDigits === 0 || i !== end) return NaN;
    scale += expNegative ? -exponent : exponent;
  }
  // Fast path (Clinger): an integer mantissa below 2^53 and a power of ten up to 10^22 are both
  // exact doubles, so one multiplication or division gives the correctly rounded result.
  if (exact && scale >= -22 && scale <= 22) {
    const magnitude = scale < 0 ? mantissa / POW10[-scale]! : mantissa * POW10[scale]!;
    if (magnitude - magnitude === 0) return negative ? -magnitude : magnitude;
  }
  // Otherwise Number(): the grammar above is a subset of what it accepts, so it gives the
  // correctly rounded value, and ±Infinity on overflow (as pandas reads 1e400).
  return Number(text);
}

/**
 * Types one column of raw cells. Numeric when every non-missing cell passes `parseDecimal`
 * (a column with no non-missing cells is numeric, as in pandas), otherwise categorical.
 * The `cells` array may be kept by the result (as `raw`); do not modify it afterwards.
 */
export function typeColumn(name: string, cells: readonly string[], forceCategorical = false): Column {
  const n = cells.length;
  if (!forceCategorical) {
    const values = new Float64Array(n);
    let missing = 0;
    let numeric = true;
    for (let r = 0; r < n; r++) {
      const cell = cells[r]!;
      const v = parseDecimal(cell);
      if (v === v) {
        values[r] = v;
      } else if (MISSING_TOKENS.has(cell)) {
        values[r] = NaN;
        missing++;
      } else {
        numeric = false;
        break;
      }
    }
    if (numeric) {
      let raw: (string | null)[];
      if (missing === 0) {
        raw = cells as string[];
      } else {
        raw = new Array<string | null>(n);
        for (let r = 0; r < n; r++) {
          const v = values[r]!;
          raw[r] = v === v ? cells[r]! : null;
        }
      }
      const column: NumericColumn = { name, kind: 'numeric', values, raw, missing };
      return column;
    }
  }
  const values = new Array<string | null>(n);
  let missing = 0;
  for (let r = 0; r < n; r++) {
    const cell = cells[r]!;
    if (MISSING_TOKENS.has(cell)) {
      values[r] = null;
      missing++;
    } else {
      values[r] = cell;
    }
  }
  const column: CategoricalColumn = { name, kind: 'categorical', values, missing };
  return column;
}

/**
 * Types every column. `columns[c][r]` is the raw cell of row r in column c (column-major, as
 * parseCsv returns them). Names in `options.categorical` that are not in `header` are ignored
 * here; readDataset checks them against the file and reports unknown ones.
 */
export function typeColumns(header: readonly string[], columns: readonly (readonly string[])[], options: TypingOptions = {}): Column[] {
  const forced = new Set(options.categorical ?? []);
  return header.map((name, c) => typeColumn(name, columns[c]!, forced.has(name)));
}

/**
 * Why a categorical column is not numeric: the first non-missing cell that is not a decimal number
 * or an infinity (row is 0-based), or undefined when every non-missing cell is one (the column was forced
 * categorical, or holds numbers only).
 */
export function firstNonNumeric(column: Column): { row: number; value: string } | undefined {
  if (column.kind === 'numeric') return undefined;
  const values = column.values;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (v !== null && v !== undefined && Number.isNaN(parseDecimal(v))) return { row: r, value: v };
  }
  return undefined;
}
