// Keras CSVLogger output → TrainingLog. Pure; no I/O.
//
// CSVLogger writes a header `epoch,<sorted metric names>` and one row per epoch, floats as Python's
// repr ("0.6931471824645996", "nan", "inf"). With append=True a resumed run adds rows to the same file,
// so an epoch can appear more than once: the last row for an epoch wins (it comes from the run that
// continued). A repeated header line (two logs concatenated) is skipped. Quoted fields follow RFC 4180.
//
// Read past with a warning rather than failed on: a row with the wrong number of fields (a line cut
// short by a crash), a row whose epoch is not a whole number, and a column holding something other
// than numbers (CSVLogger writes list-valued metrics as "[...]"), which is dropped whole.

import { at, DataError, InputError } from '../errors.js';
import type { TrainingLog, TrainingPoint } from './types.js';
import { quote } from '../untrusted.js';

export interface KerasCsvOptions {
  /** CSVLogger's `separator`; ',' by default. */
  separator?: string;
}

interface Row {
  fields: string[];
  line: number;
}

/** Splits text into records of fields, with quotes (RFC 4180) and any line ending. Blank lines are dropped. */
function splitRecords(text: string, sep: string, source: string): Row[] {
  const rows: Row[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let blank = true;
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i]!;
      if (c === '"' && field === '') {
        blank = false;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new DataError(`${at(source, quoteLine)}: unterminated quoted field`);
          const q = text[i]!;
          if (q === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n') line++;
          field += q;
          i++;
        }
        continue;
      }
      if (c === sep) {
        blank = false;
        fields.push(field);
        field = '';
        i++;
        continue;
      }
      if (c === '\n' || c === '\r') {
        fields.push(field);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      blank = false;
      field += c;
      i++;
    }
    if (!(blank && fields.length === 1 && fields[0] === '')) rows.push({ fields, line: startLine });
  }
  return rows;
}

/** A cell as Python wrote a float: repr, "nan", "inf", "-inf" (any case). Empty → null (missing); not a number → undefined. */
export function parsePythonFloat(cell: string): number | null | undefined {
  const s = cell.trim();
  if (s === '') return null;
  const lower = s.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

export function readKerasCsv(text: string, source: string, options: KerasCsvOptions = {}): TrainingLog {
  const sep = options.separator ?? ',';
  if (sep.length !== 1 || sep === '"' || sep === '\n' || sep === '\r') {
    throw new InputError(`CSV separator must be one character other than a quote or line break, got ${JSON.stringify(sep)}`);
  }
  const rows = splitRecords(text, sep, source);
  if (rows.length === 0) throw new DataError(`${at(source)}: the file is empty — expected a CSVLogger header such as "epoch,loss,val_loss"`);
  const header = rows[0]!.fields.map((h) => h.trim());
  const warnings: string[] = [];
  const epochCol = header.indexOf('epoch');
  if (epochCol < 0) {
    warnings.push(`${at(source, rows[0]!.line)}: no "epoch" column; rows are numbered 0, 1, … in file order`);
  }
  const metricCols = header.map((name, c) => ({ name, c })).filter(({ name, c }) => c !== epochCol && name !== '');
  const seen = new Set<string>();
  for (const { name } of metricCols) {
    if (seen.has(name)) throw new DataError(`${at(source, rows[0]!.line)}: column ${quote(name)} appears twice in the header`);
    seen.add(name);
  }
  if (metricCols.length === 0) throw new DataError(`${at(source, rows[0]!.line)}: the header names no metric columns`);

  // epoch → the last row written for it
  const rowByEpoch = new Map<number, Row>();
  const repeated = new Set<number>();
  let index = 0;
  for (const row of rows.slice(1)) {
    const cells = row.fields;
    if (cells.length === header.length && cells.every((cell, c) => cell.trim() === header[c])) continue; // a repeated header
    if (cells.length !== header.length) {
      warnings.push(`${at(source, row.line)}: ${cells.length} fields where the header has ${header.length}; row skipped`);
      continue;
    }
    let epoch: number;
    if (epochCol >= 0) {
      const e = parsePythonFloat(cells[epochCol]!);
      if (typeof e !== 'number' || !Number.isInteger(e)) {
        warnings.push(`${at(source, row.line)}: epoch ${quote(cells[epochCol])} is not a whole number; row skipped`);
        continue;
      }
      epoch = e;
    } else epoch = index++;
    if (rowByEpoch.has(epoch)) repeated.add(epoch);
    rowByEpoch.set(epoch, row);
  }
  if (repeated.size > 0) {
    const list = [...repeated].sort((a, b) => a - b);
    const shown = list.length > 6 ? `${list.slice(0, 6).join(', ')}, …` : list.join(', ');
    warnings.push(
      `${at(source)}: ${list.length} epoch(s) appear more than once (${shown}), as when a resumed run appends to its log; the last row of each was kept`
    );
  }

  const epochs = [...rowByEpoch.keys()].sort((a, b) => a - b);
  const series: Record<string, TrainingPoint[]> = {};
  for (const { name, c } of metricCols) {
    const points: TrainingPoint[] = [];
    let bad: Row | undefined;
    for (const epoch of epochs) {
      const row = rowByEpoch.get(epoch)!;
      const v = parsePythonFloat(row.fields[c]!);
      if (v === undefined) {
        bad = row;
        break;
      }
      if (v !== null) points.push({ step: epoch, value: v });
    }
    if (bad !== undefined) {
      warnings.push(`${at(source, bad.line)}: column ${quote(name)} holds ${quote(bad.fields[c])}, not a number; column skipped`);
      continue;
    }
    series[name] = points;
  }
  if (Object.keys(series).length === 0) throw new DataError(`${at(source)}: no numeric metric columns`);
  return { source, format: 'keras-csv', series, ...(warnings.length > 0 ? { warnings } : {}) };
}
