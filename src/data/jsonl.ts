// JSON Lines parsing. Pure; no I/O.
//
// - One JSON object per line; lines may end in LF, CRLF or CR; blank (whitespace-only) lines are
//   skipped; a UTF-8 byte order mark at the start is dropped.
// - Columns are the union of keys in first-seen order. A key absent from a record, or null, is
//   missing. No string is treated as missing: "" and "NA" are ordinary categorical values.
// - A column is numeric when every non-missing value is a JSON number; its `raw` text is
//   String(value) (JSON.parse does not keep the written form: 1.0 reads back as "1").
//   Any other mix is categorical: strings as written, numbers as String(value), booleans as
//   "true" / "false".
// - The bare token NaN (what Python's json.dumps writes for float('nan')) is read as null.
//   Infinity, -Infinity and numbers that overflow (1e400) are errors.
// - Nested objects and arrays are errors naming the line and key.
// - A file holding one JSON array of objects is NOT accepted: record line numbers would need a
//   second parser. The error says how to convert it (jq -c '.[]').

import { at, DataError } from '../errors.js';
import type { CategoricalColumn, Column, NumericColumn } from '../types.js';
import { quote } from '../untrusted.js';
import type { TypingOptions } from './typing.js';

export interface ParsedJsonl {
  columns: Column[];
  rowCount: number;
  /** 1-based line of each record; length === rowCount. */
  recordLines: Int32Array;
}

type Cell = number | string | boolean | null;

interface Builder {
  name: string;
  cells: Cell[];
  numeric: boolean;
}

/** Parses JSON Lines text. `path` is used only in error messages. */
export function parseJsonl(text: string, path: string, options: TypingOptions = {}): ParsedJsonl {
  const start = text.length > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lines = (start === 0 ? text : text.slice(start)).split(/\r\n|\n|\r/);
  const builders = new Map<string, Builder>();
  const order: Builder[] = [];
  const recordLines: number[] = [];
  let rowCount = 0;

  for (let k = 0; k < lines.length; k++) {
    const lineText = lines[k]!;
    const lineNo = k + 1;
    if (lineText.trim() === '') continue;
    const record = parseLine(lineText, path, lineNo, rowCount === 0);
    for (const key of Object.keys(record)) {
      const value = record[key];
      let cell: Cell;
      if (value === null || typeof value === 'string' || typeof value === 'boolean') {
        cell = value;
      } else if (typeof value === 'number') {
        if (!Number.isFinite(value)) {
          throw new DataError(`${at(path, lineNo)}: key ${quote(key)} holds a number too large to represent — write a finite number or null`);
        }
        cell = value;
      } else {
        const what = Array.isArray(value) ? 'an array' : 'an object';
        throw new DataError(
          `${at(path, lineNo)}: key ${quote(key)} holds ${what}; only numbers, strings, booleans and null can be columns — flatten nested values into their own keys`
        );
      }
      let builder = builders.get(key);
      if (builder === undefined) {
        builder = { name: key, cells: new Array<Cell>(rowCount).fill(null), numeric: true };
        builders.set(key, builder);
        order.push(builder);
      }
      // Pad for records that lacked this key.
      while (builder.cells.length < rowCount) builder.cells.push(null);
      builder.cells.push(cell);
      if (cell !== null && typeof cell !== 'number') builder.numeric = false;
    }
    recordLines.push(lineNo);
    rowCount++;
  }

  const forced = new Set(options.categorical ?? []);
  const columns = order.map((b) => {
    while (b.cells.length < rowCount) b.cells.push(null);
    return toColumn(b, forced.has(b.name));
  });
  return { columns, rowCount, recordLines: Int32Array.from(recordLines) };
}

function toColumn(b: Builder, forceCategorical: boolean): Column {
  const n = b.cells.length;
  let missing = 0;
  if (b.numeric && !forceCategorical) {
    const values = new Float64Array(n);
    const raw = new Array<string | null>(n);
    for (let r = 0; r < n; r++) {
      const cell = b.cells[r] as number | null;
      if (cell === null) {
        values[r] = NaN;
        raw[r] = null;
        missing++;
      } else {
        values[r] = cell;
        raw[r] = String(cell);
      }
    }
    const column: NumericColumn = { name: b.name, kind: 'numeric', values, raw, missing };
    return column;
  }
  const values = new Array<string | null>(n);
  for (let r = 0; r < n; r++) {
    const cell = b.cells[r]!;
    if (cell === null) {
      values[r] = null;
      missing++;
    } else {
      values[r] = String(cell);
    }
  }
  const column: CategoricalColumn = { name: b.name, kind: 'categorical', values, missing };
  return column;
}

function parseLine(lineText: string, path: string, lineNo: number, first: boolean): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(lineText);
  } catch (error) {
    value = retryWithNaN(lineText, path, lineNo, error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    const hint =
      first && Array.isArray(value)
        ? ' (a file holding one JSON array is not JSON Lines; convert it with: jq -c \'.[]\' in.json > out.jsonl)'
        : '';
    throw new DataError(`${at(path, lineNo)}: expected a JSON object on this line, got ${got}${hint} — write one {"column": value, ...} object per line`);
  }
  return value as Record<string, unknown>;
}

/** JSON.parse failed: maybe only because of bare NaN / Infinity tokens, as Python writes them. */
function retryWithNaN(lineText: string, path: string, lineNo: number, error: unknown): unknown {
  const fixed = replaceBareTokens(lineText);
  if (fixed.infinity >= 0) {
    throw new DataError(
      `${at(path, lineNo, fixed.infinity + 1)}: Infinity is neither valid JSON nor a finite number — write a finite number, or null for a missing value`
    );
  }
  if (fixed.text !== lineText) {
    try {
      return JSON.parse(fixed.text);
    } catch {
      // Fall through and report the original error.
    }
  }
  throw invalidJson(lineText, path, lineNo, error);
}

function invalidJson(lineText: string, path: string, lineNo: number, error: unknown): DataError {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  const column = position ? Number(position[1]) + 1 : undefined;
  // V8 quotes the whole input in some messages ("Unexpected token 'x', "{...}" is not valid JSON");
  // keep only the part before the quoted input.
  let reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  if (reason === '') reason = 'invalid JSON';
  const firstLineHint = lineText.trimStart().startsWith('[') && lineNo === 1
    ? '; a file holding one JSON array is not JSON Lines, convert it with: jq -c \'.[]\' in.json > out.jsonl'
    : '';
  return new DataError(`${at(path, lineNo, column)}: invalid JSON (${reason}) — each line must be one complete JSON object${firstLineHint}`);
}

/** Replaces NaN outside strings with null; reports the index of the first Infinity outside strings. */
function replaceBareTokens(s: string): { text: string; infinity: number } {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
    } else if (c === 78 && s.startsWith('NaN', i)) {
      out += s.slice(last, i) + 'null';
      i += 2;
      last = i + 1;
    } else if (c === 73 && s.startsWith('Infinity', i)) {
      return { text: s, infinity: i > 0 && s.charCodeAt(i - 1) === 45 ? i - 1 : i };
    }
  }
  return { text: last === 0 ? s : out + s.slice(last), infinity: -1 };
}
