// Reading a large CSV of numbers fast: the file's bytes are split at line breaks into chunks, the
// chunks are scanned in parallel (worker threads for all but the first) straight into typed
// columns, and, when asked, each chunk's columns are sorted where they were scanned so that the
// drift tests get every column sorted for the price of a merge. The result is the same Dataset
// the general path (csv.ts + typing.ts) gives; when the file is not the plain kind (a line break
// inside quotes, a quoted header, a stray quote, a record with the wrong number of fields),
// readCsvFast returns undefined and the caller uses the general path, which also words the errors.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Column, Dataset, NumericColumn } from '../types.js';
import { mergeSorted, rememberSorted, sortNumbers } from './sorted.js';
import { checkHeader } from './csv.js';
import { cellRange, cellText, fieldEnd, scanCsvNumbers, type ScanResult } from './csv-numbers.js';
import { MISSING_TOKENS, parseDecimal, typeColumn } from './typing.js';

export interface FastCsvOptions {
  delimiter: string;
  /** Columns kept categorical even when every cell is a number. */
  categorical?: readonly string[];
  /** Sort every numeric column (non-missing values) and remember it for sortedFinite. */
  sortColumns?: boolean;
  /** Also keep the columns (all but `exclude`) as float32, row after row (Dataset.rowMajor), for a network's input. */
  rowMajor?: { exclude?: readonly string[] };
  /** Threads to scan with; default: one per 8 MiB of data, at most the machine's parallelism or 8. */
  threads?: number;
}

/** Below this many bytes of data one thread scans the whole file (a worker costs ~30 ms to start). */
const BYTES_PER_THREAD = 8 * 1024 * 1024;

const WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const scan = ${scanCsvNumbers.toString()};
const sortNumbers = ${sortNumbers.toString()};
const d = workerData;
const result = scan(d.bytes, d.start, d.end, d.ncols, d.delimiter, d.skip, 0, d.slots);
const sorted = d.sortColumns && result.giveUp === "" ? result.values.map((v, c) => (d.skip[c] ? null : sortNumbers(v))) : null;
const buffers = new Set([...result.values, ...(sorted || []), result.recordStarts, result.recordLines, result.oddRows, result.oddColumns, result.matrix].filter((a) => a).map((a) => a.buffer));
parentPort.postMessage({ result, sorted }, [...buffers]);
`;

interface Chunk {
  result: ScanResult;
  sorted: (Float64Array | null)[] | null;
}

/** The code each scanning worker runs (exposed for the test that it is self-contained). */
export function scanWorkerSource(): string {
  return WORKER_SOURCE;
}

/**
 * The dataset in `bytes` (UTF-8 already checked by the caller), or undefined when the file needs
 * the general parser. Pass bytes backed by a SharedArrayBuffer to let workers share them.
 */
export async function readCsvFast(bytes: Uint8Array, path: string, options: FastCsvOptions): Promise<Dataset | undefined> {
  // One ASCII byte, not a quote or line break; anything else is left to the general parser.
  const D = options.delimiter.length === 1 ? options.delimiter.charCodeAt(0) : -1;
  if (D < 1 || D > 127 || D === 34 || D === 10 || D === 13) return undefined;
  const head = findHeader(bytes);
  if (head === undefined) return undefined;
  // One Buffer view for every decode of text (header, odd cells, text columns, raw).
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const header = checkHeader(decodeFields(buffer, head.start, head.end, D), path, head.line);
  const ncols = header.length;
  const forced = new Set(options.categorical ?? []);
  const skip = Uint8Array.from(header, (name) => (forced.has(name) ? 1 : 0));
  let slots: Int32Array | null = null;
  if (options.rowMajor !== undefined) {
    const left = new Set(options.rowMajor.exclude ?? []);
    let next = 0;
    slots = Int32Array.from(header, (name) => (left.has(name) ? -1 : next++));
  }
  const width = slots === null ? 0 : slots.reduce((w, s) => Math.max(w, s + 1), 0);

  const chunks = await scanChunks(bytes, head.next, ncols, D, skip, slots, options);
  if (chunks === undefined) return undefined;
  let rows = 0;
  for (const c of chunks) rows += c.result.rows;
  if (rows === 0) return undefined; // the general path words "no data rows"

  // Concatenate the chunks behind the first, in the room it was given for them (see scanChunks);
  // line numbers restart at 0 in each chunk.
  const first = chunks[0].result;
  const values = header.map((_, c) => (skip[c] ? new Float64Array(0) : extend(first.values[c], rows)));
  const recordStarts = extend(first.recordStarts, rows);
  const recordLines = extend(first.recordLines, rows);
  const matrix = slots !== null ? extend(first.matrix!, rows * width) : undefined;
  const oddRows: number[] = [];
  const oddColumns: number[] = [];
  let rowOffset = 0;
  let lineOffset = head.line + 1;
  for (const [k, { result }] of chunks.entries()) {
    if (k > 0) {
      for (let c = 0; c < ncols; c++) if (!skip[c]) values[c].set(result.values[c], rowOffset);
      recordStarts.set(result.recordStarts, rowOffset);
      recordLines.set(result.recordLines, rowOffset);
      if (matrix !== undefined) matrix.set(result.matrix!, rowOffset * width);
    }
    for (let r = rowOffset; r < rowOffset + result.rows; r++) recordLines[r] += lineOffset;
    for (let k = 0; k < result.oddRows.length; k++) {
      oddRows.push(result.oddRows[k] + rowOffset);
      oddColumns.push(result.oddColumns[k]);
    }
    rowOffset += result.rows;
    lineOffset += result.lines;
  }

  // Cells that were not plain numbers: a number after all (spaces around it), a missing token,
  // or text, which makes the column categorical as in typing.ts.
  const text = new Uint8Array(ncols);
  const resorted = new Uint8Array(ncols);
  const missing = new Int32Array(ncols);
  const cell = cellReader(buffer, recordStarts, D);
  for (let k = 0; k < oddRows.length; k++) {
    const c = oddColumns[k];
    if (text[c]) continue;
    const cellText = cell(oddRows[k], c);
    const v = parseDecimal(cellText);
    if (v === v) {
      values[c][oddRows[k]] = v;
      if (matrix !== undefined && slots![c] >= 0) matrix[oddRows[k] * width + slots![c]] = v;
      resorted[c] = 1;
    } else if (MISSING_TOKENS.has(cellText)) {
      missing[c]++;
    } else {
      text[c] = 1;
    }
  }

  const textColumns = header.map((_, c) => c).filter((c) => skip[c] || text[c]);
  const texts = readTextColumns(buffer, recordStarts, textColumns, D);
  const columns: Column[] = header.map((name, c): Column => {
    if (skip[c] || text[c]) return typeColumn(name, texts.get(c)!, true);
    if (options.sortColumns) {
      const runs = chunks.map((ch) => ch.sorted?.[c] ?? null);
      const sorted = resorted[c] || runs.some((r) => r === null) ? sortNumbers(values[c]) : mergeSorted(runs as Float64Array[]);
      rememberSorted(values[c], sorted);
    }
    return numericColumn(name, values[c], missing[c], (r) => cell(r, c));
  });
  const dataset: Dataset = { path, rowCount: rows, columns, recordLines };
  if (matrix !== undefined) dataset.rowMajor = { data: matrix, columns: columns.filter((_, c) => slots![c] >= 0) };
  return dataset;
}

/**
 * `head` (a view at the start of its buffer) lengthened to `length` in place when its buffer has the
 * room, else copied into a new array; copied to size, too, when the buffer is far larger than needed.
 */
function extend<T extends Float64Array | Float32Array | Int32Array>(head: T, length: number): T {
  const room = head.buffer.byteLength / head.BYTES_PER_ELEMENT;
  const Class = head.constructor as new (...args: unknown[]) => T;
  if (head.byteOffset === 0 && room >= length && room <= length * 1.5 + 1024) return new Class(head.buffer, 0, length);
  const out = new Class(length);
  out.set(head.subarray(0, Math.min(head.length, length)));
  return out;
}

/** A numeric column whose text as written (`raw`) is decoded from the file only when first asked for. */
function numericColumn(name: string, values: Float64Array, missing: number, textOf: (row: number) => string): NumericColumn {
  let raw: (string | null)[] | undefined;
  return {
    name,
    kind: 'numeric',
    values,
    missing,
    get raw(): (string | null)[] {
      raw ??= Array.from(values, (v, r) => (v === v ? textOf(r) : null));
      return raw;
    }
  };
}

interface Header {
  start: number;
  end: number;
  /** Where the data starts: after the header's line break. */
  next: number;
  /** 1-based physical line of the header. */
  line: number;
}

/** The first non-blank line (after a UTF-8 byte order mark); undefined when it holds a quote or there is none. */
function findHeader(bytes: Uint8Array): Header | undefined {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  while (i < bytes.length && (bytes[i] === 10 || bytes[i] === 13)) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) i++;
    i++;
    line++;
  }
  if (i >= bytes.length) return undefined;
  const start = i;
  while (i < bytes.length && bytes[i] !== 10 && bytes[i] !== 13) {
    if (bytes[i] === 34) return undefined;
    i++;
  }
  const end = i;
  if (bytes[i] === 13) i++;
  if (bytes[i] === 10) i++;
  return { start, end, next: i, line };
}

function decodeFields(buffer: Buffer, start: number, end: number, D: number): string[] {
  const fields: string[] = [];
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i === end || buffer[i] === D) {
      fields.push(buffer.toString('utf8', s, i));
      s = i + 1;
    }
  }
  return fields;
}

/** The text of one cell, decoded from the bytes. */
function cellReader(buffer: Buffer, recordStarts: Float64Array, D: number): (row: number, column: number) => string {
  return (row, column) => {
    const [s, e] = cellRange(buffer, recordStarts[row], column, D);
    return cellText(buffer, s, e);
  };
}

/** The cells of the given columns as text, walking each record once. */
function readTextColumns(buffer: Buffer, recordStarts: Float64Array, columns: number[], D: number): Map<number, string[]> {
  const out = new Map<number, string[]>(columns.map((c) => [c, new Array<string>(recordStarts.length)]));
  if (columns.length === 0) return out;
  const last = columns[columns.length - 1];
  for (let r = 0; r < recordStarts.length; r++) {
    let i = recordStarts[r];
    for (let c = 0; c <= last; c++) {
      const e = fieldEnd(buffer, i, D);
      const cells = out.get(c);
      if (cells !== undefined) cells[r] = cellText(buffer, i, e);
      i = e + 1;
    }
  }
  return out;
}

/** Splits [start, end of file) at line feeds into one chunk per thread and scans them in parallel. */
async function scanChunks(
  bytes: Uint8Array,
  start: number,
  ncols: number,
  D: number,
  skip: Uint8Array,
  slots: Int32Array | null,
  options: FastCsvOptions
): Promise<Chunk[] | undefined> {
  const size = bytes.length - start;
  const shared = bytes.buffer instanceof SharedArrayBuffer;
  const auto = Math.min(8, availableParallelism(), Math.floor(size / BYTES_PER_THREAD));
  const threads = shared ? Math.max(1, options.threads ?? auto) : 1;
  const bounds = [start];
  for (let t = 1; t < threads; t++) {
    const lf = bytes.indexOf(10, start + Math.floor((size * t) / threads));
    if (lf < 0 || lf + 1 <= bounds[bounds.length - 1]) break;
    bounds.push(lf + 1);
  }
  bounds.push(bytes.length);
  const sortColumns = options.sortColumns === true;
  const pending = bounds.slice(1, -1).map((s, k) => runWorker({ bytes, start: s, end: bounds[k + 2], ncols, delimiter: D, skip, sortColumns, slots }));
  // The first chunk on this thread while the workers scan theirs.
  // The first chunk's arrays get room for every row, so the other chunks are appended, not all copied.
  const rowsHint = bounds.length > 2 ? estimateRows(bytes, start) : 0;
  const first = scanCsvNumbers(bytes, bounds[0], bounds[1], ncols, D, skip, 0, slots, rowsHint);
  if (first.giveUp !== '') {
    // The general parser takes the file: the workers' chunks are not wanted.
    for (const w of pending) w.stop();
    return undefined;
  }
  const firstSorted = sortColumns ? first.values.map((v, c) => (skip[c] ? null : sortNumbers(v))) : null;
  const chunks: Chunk[] = [{ result: first, sorted: firstSorted }];
  const rest = await Promise.all(pending.map((w) => w.result));
  for (let k = 0; k < rest.length; k++) {
    // A worker that failed to start or died: scan its chunk here.
    const chunk = rest[k] ?? { result: scanCsvNumbers(bytes, bounds[k + 1], bounds[k + 2], ncols, D, skip, 0, slots), sorted: null };
    if (chunk.result.giveUp !== '') return undefined;
    chunks.push(chunk);
  }
  return chunks;
}

/** Rows in bytes[start, end of file), guessed from the first record's length, with 5 % to spare. */
function estimateRows(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length && bytes[i] !== 10 && bytes[i] !== 13) i++;
  return Math.ceil(((bytes.length - start) / (i - start + 1)) * 1.05);
}

interface WorkerTask {
  bytes: Uint8Array;
  start: number;
  end: number;
  ncols: number;
  delimiter: number;
  skip: Uint8Array;
  sortColumns: boolean;
  slots: Int32Array | null;
}

/** A chunk scanned on a worker thread; `stop` ends the worker when its result is no longer wanted. */
function runWorker(task: WorkerTask): { result: Promise<Chunk | undefined>; stop: () => void } {
  let worker: Worker | undefined;
  const result = new Promise<Chunk | undefined>((resolve) => {
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: task });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (chunk: Chunk) => resolve(chunk));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { result, stop: () => void worker?.terminate() };
}
