// Apache Parquet files as a Dataset, read with hyparquet (and hyparquet-compressors for gzip, zstd,
// brotli and lz4) through positioned reads on an open file: one row group at a time, only the
// columns asked for, each decoded straight into the typed column it becomes. Memory holds the
// output columns plus one row group's bytes and pages, never the whole file or its rows as objects.
// Flat numeric columns skip hyparquet's row assembly and go page by page into their array (parquet-pages.ts).
//
// Types follow what the CSV reader makes of the same table written by pandas' to_csv, so a Parquet
// file and the CSV it was made from give the same evaluation:
// - integers, floats, decimals and float16 are numeric (Float64Array; null and NaN are missing). An
//   int64 beyond 2^53 is kept exactly as text in `raw` (ids compare by it, data/ids.ts), as a CSV
//   cell is; its value is the nearest double, as Number() gives for the CSV cell.
// - booleans are the text "True"/"False" (pandas writes them so), hence categorical.
// - strings are typed as CSV cells are (typing.ts): a text column of numbers is numeric, an empty
//   string or "NA" is missing. Dates and timestamps become text as pandas writes them.
// - nested columns (lists, maps, structs) and raw binary are refused, naming the column.
// `raw` of a numeric column is made only when something asks for it: no string per row otherwise.

import { markWrittenAsShortest } from './shortest.js';
import type { FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type ColumnData, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../errors.js';
import type { Column, Dataset, NumericColumn } from '../types.js';
import { quote, shorten } from '../untrusted.js';
import type { ColumnDecoder } from 'hyparquet/src/types.js';
import { chunkRange, fastNumeric, readNumericChunk } from './parquet-pages.js';
import { readFully } from './read-fully.js';
import { typeColumn } from './typing.js';

export interface ParquetOptions {
  /** Columns to keep categorical even when every value is a number. */
  categorical?: readonly string[];
  /** Also give the kept columns but `exclude` as a row-major float32 matrix (Dataset.rowMajor). */
  rowMajor?: { exclude?: readonly string[] };
  /** Which columns to read, asked once per top-level column in file order (undefined: every one). */
  keepColumn?: (name: string) => boolean;
}

/** How a column's values become a Column. */
type Kind = 'number' | 'bool' | 'text' | 'timestamp';

interface Plan {
  name: string;
  kind: Kind;
  /** Forced categorical: numbers kept as their text. */
  categorical: boolean;
  /** Timestamps stored as UTC instants (pandas writes them with "+00:00"). */
  utc: boolean;
  /** Set for a flat numeric column read page by page into its array (parquet-pages.ts), not through hyparquet's rows. */
  fast?: { tree: SchemaTree; path: SchemaTree[]; maxDefinition: number };
}

/** A column being filled, row group by row group. */
interface Sink {
  plan: Plan;
  /** Rows written so far, to check that every row got a value. */
  filled: number;
  values?: Float64Array;
  /** Exact text of int64 values a double cannot hold, by row. */
  huge?: Map<number, string>;
  cells?: string[];
}

const MAGIC = 0x31524150; // "PAR1" read as a little-endian uint32

/**
 * Reads a Parquet file already opened (`size` bytes) into a Dataset, or throws a DataError naming
 * `path`. Also returns every top-level column name of the file, kept or not, for the caller's checks.
 */
export async function readParquetFile(file: FileHandle, size: number, path: string, options: ParquetOptions = {}): Promise<{ dataset: Dataset; names: string[] }> {
  // Anything a damaged file makes go wrong past the checks (a footer claiming 2^40 rows) still names the file.
  return decoding(path, () => readParquet(file, size, path, options));
}

async function readParquet(file: FileHandle, size: number, path: string, options: ParquetOptions): Promise<{ dataset: Dataset; names: string[] }> {
  await checkMagic(file, size, path);
  const buffer = fileBuffer(file, size, path);
  const metadata = await decoding(path, () => parquetMetadataAsync(buffer));
  const rows = Number(metadata.num_rows);
  const names: string[] = [];
  const plans = planColumns(path, metadata, options, names);
  const groupRows = metadata.row_groups.map((g) => Number(g.num_rows));
  if (groupRows.reduce((a, b) => a + b, 0) !== rows) {
    throw new DataError(`data file ${path} is not a readable Parquet file: its row groups hold ${groupRows.reduce((a, b) => a + b, 0)} rows but its footer says ${rows} — write the file again`);
  }
  if (rows === 0) throw new DataError(`data file ${path} holds a table of 0 rows: the dataset has no rows — add at least one data row`);

  const sinks = new Map<string, Sink>(plans.map((plan) => [plan.name, newSink(plan, rows)]));
  const wanted = plans.filter((p) => p.fast === undefined).map((p) => p.name);
  const fast = plans.filter((p) => p.fast !== undefined);
  let groupStart = 0;
  for (const [g, count] of groupRows.entries()) {
    const groupEnd = groupStart + count;
    for (const plan of fast) {
      const sink = sinks.get(plan.name)!;
      const start = groupStart;
      sink.filled += await decoding(path, () => readFastChunk(buffer, metadata, g, plan, sink, start, count));
    }
    if (count > 0 && wanted.length > 0) {
      const start = groupStart;
      await decoding(path, () =>
        parquetRead({
          file: buffer,
          metadata,
          columns: wanted,
          rowStart: start,
          rowEnd: groupEnd,
          compressors,
          parsers: PARSERS,
          geoparquet: false,
          onChunk: (chunk) => fill(sinks.get(chunk.columnName)!, chunk, start, groupEnd),
        }),
      );
    }
    groupStart = groupEnd;
  }
  const columns = plans.map((plan) => finish(sinks.get(plan.name)!, rows, path));
  const dataset: Dataset = { path, rowCount: rows, columns, recordLines: new Int32Array(0) };
  if (options.rowMajor !== undefined) {
    const exclude = new Set(options.rowMajor.exclude ?? []);
    const kept = columns.filter((c) => !exclude.has(c.name));
    if (kept.length > 0) dataset.rowMajor = { data: rowMajorOf(kept, rows), columns: kept };
  }
  return { dataset, names };
}

/** "PAR1" at both ends: a cheap test that tells a wrong or cut-off file from a damaged footer. */
async function checkMagic(file: FileHandle, size: number, path: string): Promise<void> {
  const what = `— it must be an Apache Parquet file (e.g. from pandas' DataFrame.to_parquet); if it is, it was cut off or damaged: write it again`;
  if (size < 12) throw new DataError(`data file ${path} is not a Parquet file: it is only ${size} bytes long ${what}`);
  const head = new Uint8Array(4);
  const tail = new Uint8Array(4);
  await readFully(file, head, 0);
  await readFully(file, tail, size - 4);
  const word = (b: Uint8Array) => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  if (word(head) !== MAGIC) throw new DataError(`data file ${path} is not a Parquet file: it does not start with "PAR1" ${what}`);
  if (word(tail) !== MAGIC) throw new DataError(`data file ${path} is not a complete Parquet file: it does not end with "PAR1" ${what}`);
}

/** hyparquet's view of the file: each slice one positioned read, so only what it asks for is in memory. */
function fileBuffer(file: FileHandle, size: number, path: string): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, size));
      const to = Math.max(from, Math.min(end, size));
      const bytes = new Uint8Array(to - from);
      const done = await readFully(file, bytes, from);
      if (done !== bytes.length) throw new DataError(`data file ${path} changed while it was read (${done} of ${bytes.length} bytes at ${from}) — read a file no process is writing`);
      return bytes.buffer;
    },
  };
}

/** Runs a hyparquet step; its errors (a damaged file, an unknown codec) become a DataError naming the file. */
async function decoding<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DataError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DataError(`data file ${path} is not a readable Parquet file (${shorten(message, 200)}) — write it again, e.g. with pandas' DataFrame.to_parquet`);
  }
}

/** Decides, column by column, whether it is read and as what; refuses the shapes a table column cannot take. */
function planColumns(path: string, metadata: FileMetaData, options: ParquetOptions, names: string[]): Plan[] {
  const forced = new Set(options.categorical ?? []);
  const plans: Plan[] = [];
  const seen = new Set<string>();
  const root = parquetSchema(metadata);
  for (const child of root.children) {
    const name = child.element.name;
    names.push(name);
    if (options.keepColumn !== undefined && !options.keepColumn(name)) continue;
    if (seen.has(name)) throw new DataError(`data file ${path} has two columns named ${quote(name)} — rename one of them`);
    seen.add(name);
    const kind = kindOf(path, child);
    const timestamp = child.element.logical_type;
    const plan: Plan = { name, kind, categorical: forced.has(name), utc: timestamp?.type === 'TIMESTAMP' && timestamp.isAdjustedToUTC };
    if (kind === 'number' && !plan.categorical && fastNumeric(child.element)) plan.fast = { tree: child, path: [root, child], maxDefinition: child.element.repetition_type === 'REQUIRED' ? 0 : 1 };
    plans.push(plan);
  }
  return plans;
}

function kindOf(path: string, column: SchemaTree): Kind {
  const { element } = column;
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  const nested = column.children.length > 0 || element.repetition_type === 'REPEATED';
  if (nested) {
    const shape = logical === 'LIST' || converted === 'LIST' || element.repetition_type === 'REPEATED' ? 'a list' : logical === 'MAP' || converted === 'MAP' ? 'a map' : logical === 'VARIANT' ? 'a variant' : 'a struct';
    throw new DataError(
      `data file ${path}: column ${quote(element.name)} is ${shape} column, not one value per row — flatten it into plain columns (one per value, e.g. with pandas' json_normalize or by expanding the list) or leave it out of the file`,
    );
  }
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'number';
  if (logical === 'DATE' || converted === 'DATE' || logical === 'TIMESTAMP' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || element.type === 'INT96') return 'timestamp';
  switch (element.type) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return 'number';
    case 'BYTE_ARRAY':
      if (logical === undefined || logical === 'STRING' || logical === 'ENUM' || logical === 'JSON' || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') return 'text';
      break;
    case 'FIXED_LEN_BYTE_ARRAY':
      if (logical === 'UUID') return 'text';
      break;
    case undefined:
      // A column of no type at all (a struct with no fields) holds nothing to read.
      break;
  }
  throw new DataError(
    `data file ${path}: column ${quote(element.name)} holds ${shorten(logical ?? converted ?? element.type ?? 'untyped')} values, which are neither numbers nor text — convert it to a number or string column, or leave it out of the file`,
  );
}

// Dates and timestamps as pandas' to_csv writes them (text), so they type as the CSV cells do.
// JSON stays its text; binary logical types are refused before reading (kindOf).
const pad = (n: number | bigint, width = 2) => String(n).padStart(width, '0');
function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
function timestampText(units: bigint, perSecond: bigint, digits: number): string {
  let seconds = units / perSecond;
  let fraction = units % perSecond;
  if (fraction < 0n) {
    fraction += perSecond;
    seconds -= 1n;
  }
  const d = new Date(Number(seconds) * 1000);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  // pandas shows the fraction only when some value has one; per value is close enough and never loses it.
  const frac = fraction === 0n ? '' : `.${pad(fraction, digits)}`;
  return `${dateText(Math.floor(Number(seconds) / 86_400))} ${clock}${frac}`;
}
const decoder = new TextDecoder();
const PARSERS = {
  dateFromDays: dateText,
  timestampFromMilliseconds: (v: bigint) => timestampText(BigInt(v), 1000n, 3),
  timestampFromMicroseconds: (v: bigint) => timestampText(BigInt(v), 1_000_000n, 6),
  timestampFromNanoseconds: (v: bigint) => timestampText(BigInt(v), 1_000_000_000n, 9),
  jsonFromBytes: (bytes: Uint8Array) => bytes && decoder.decode(bytes),
};

/** One row group's chunk of a fast column: its bytes read at once, its pages decoded into the column's array. */
async function readFastChunk(buffer: AsyncBuffer, metadata: FileMetaData, group: number, plan: Plan, sink: Sink, groupStart: number, rows: number): Promise<number> {
  const chunk = metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === plan.name);
  if (chunk?.meta_data === undefined) throw new Error(`row group ${group} has no data for column ${plan.name}`);
  if (chunk.file_path !== undefined) throw new Error(`column ${plan.name} is kept in another file (${chunk.file_path})`);
  const meta = chunk.meta_data;
  const { start, end } = chunkRange(meta);
  const bytes = new Uint8Array(await buffer.slice(start, end));
  const { tree, path, maxDefinition } = plan.fast!;
  const decoder = { pathInSchema: [plan.name], type: meta.type, element: tree.element, schemaPath: path, codec: meta.codec, parsers: PARSERS as unknown as ColumnDecoder['parsers'], compressors };
  const huge = sink.huge ?? new Map<number, string>();
  const view = sink.values!.subarray(0, groupStart + rows);
  const done = readNumericChunk(bytes, decoder, maxDefinition, view, groupStart, huge);
  if (huge.size > 0) sink.huge = huge;
  if (done !== rows) throw new Error(`column ${plan.name} holds ${done} values in row group ${group} of ${rows} rows`);
  return done;
}

function newSink(plan: Plan, rows: number): Sink {
  if (plan.kind === 'number' && !plan.categorical) return { plan, filled: 0, values: new Float64Array(rows).fill(NaN) };
  return { plan, filled: 0, cells: new Array<string>(rows).fill('') };
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Copies one decoded chunk (a page's worth, or a row group's) into its column; rows outside the group are ignored. */
function fill(sink: Sink, chunk: ColumnData, groupStart: number, groupEnd: number): void {
  const from = Math.max(chunk.rowStart, groupStart);
  const to = Math.min(chunk.rowEnd, groupEnd);
  if (to <= from) return;
  const data = chunk.columnData;
  const skip = from - chunk.rowStart;
  sink.filled += to - from;
  const { values, cells } = sink;
  if (values !== undefined) {
    if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint32Array) {
      values.set(data.subarray(skip, skip + to - from), from);
      return;
    }
    for (let r = from, i = skip; r < to; r++, i++) {
      const v: unknown = data[i];
      if (typeof v === 'number') values[r] = v;
      else if (typeof v === 'bigint') {
        values[r] = Number(v);
        if (v > SAFE || v < -SAFE) (sink.huge ??= new Map()).set(r, v.toString());
      }
      // null / undefined: missing, NaN already.
    }
    return;
  }
  const text = cellText(sink.plan.kind);
  for (let r = from, i = skip; r < to; r++, i++) {
    const v: unknown = data[i];
    cells![r] = v === null || v === undefined ? '' : text(v);
  }
}

/** A value as the CSV cell pandas would write for it. */
function cellText(kind: Kind): (v: unknown) => string {
  if (kind === 'bool') return (v) => (v ? 'True' : 'False');
  if (kind === 'number') return (v) => (typeof v === 'number' && v !== v ? '' : String(v));
  return (v) => String(v);
}

function finish(sink: Sink, rows: number, path: string): Column {
  const { plan } = sink;
  if (sink.filled !== rows) {
    throw new DataError(`data file ${path} is not a readable Parquet file: column ${quote(plan.name)} holds ${sink.filled} values for ${rows} rows — write the file again`);
  }
  if (sink.values !== undefined) return numericColumn(plan.name, sink.values, sink.huge);
  let cells = sink.cells!;
  // pandas writes a column of midnights as dates alone (its "dates only" format).
  if (plan.kind === 'timestamp' && !plan.utc && cells.every((c) => c === '' || c.endsWith(' 00:00:00'))) cells = cells.map((c) => c.slice(0, 10));
  if (plan.utc) cells = cells.map((c) => (c === '' || c.length === 10 ? c : `${c}+00:00`));
  return typeColumn(plan.name, cells, plan.categorical);
}

/** A numeric column whose text (`raw`) is made on first use: the number as JavaScript writes it, huge ints exactly. */
function numericColumn(name: string, values: Float64Array, huge: Map<number, string> | undefined): NumericColumn {
  let missing = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) missing++;
  let raw: (string | null)[] | undefined;
  const column: NumericColumn = {
    name,
    kind: 'numeric',
    values,
    missing,
    get raw(): (string | null)[] {
      if (raw === undefined) {
        raw = new Array<string | null>(values.length);
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          raw[i] = v !== v ? null : (huge?.get(i) ?? String(v));
        }
      }
      return raw;
    },
  };
  // The text is String(value) but for the huge integers kept exactly.
  markWrittenAsShortest(column, () => huge === undefined || huge.size === 0);
  return column;
}

/** The kept columns as one row-major float32 matrix, NaN for text (as npz.ts does). */
function rowMajorOf(kept: Column[], rows: number): Float32Array {
  const k = kept.length;
  const out = new Float32Array(rows * k);
  kept.forEach((c, j) => {
    if (c.kind === 'numeric') {
      const v = c.values;
      for (let i = 0; i < rows; i++) out[i * k + j] = v[i]!;
    } else {
      for (let i = 0; i < rows; i++) out[i * k + j] = NaN;
    }
  });
  return out;
}
