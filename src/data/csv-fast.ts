// Reading a large CSV of numbers fast and in bounded memory: the file is read in chunks (split at
// line feeds, the partial last line carried into the next chunk), each chunk is scanned on a worker
// thread straight into typed columns, and everything that needs the chunk's text (odd cells, text
// columns, the line numbers) is settled before the chunk's bytes are dropped; only a few chunks are
// in memory at once. The text of a numeric column as written (`raw`) is read from the file again,
// once, if something asks for it.
//
// The result is the same Dataset the general path (csv.ts + typing.ts) gives; when the file is not
// the plain kind (a line break inside quotes, a quoted header, a stray quote, a record with the wrong
// number of fields), readCsvFast returns undefined and the caller uses the general path, which also
// words the errors.

import { markWrittenAsShortest } from './shortest.js';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { DataError } from '../errors.js';
import type { Column, Dataset, NumericColumn } from '../types.js';
import { checkHeader } from './csv.js';
import { cellText, fieldEnd, scanCsvNumbers, type ScanResult } from './csv-numbers.js';
import { MISSING_TOKENS, parseDecimal, typeColumn } from './typing.js';

export interface FastCsvOptions {
  delimiter: string;
  /** Columns kept categorical even when every cell is a number. */
  categorical?: readonly string[];
  /** Also keep the columns (all but `exclude`) as float32, row after row (Dataset.rowMajor), for a network's input. */
  rowMajor?: { exclude?: readonly string[] };
  /** Whether to keep a column (called once per header name, in order); the others are not parsed and are absent from the Dataset. */
  keepColumn?: (name: string) => boolean;
  /** Worker threads to scan with; default: none below 8 MiB of data, else the machine's parallelism (at most 8), shared among `readers`. */
  threads?: number;
  /** Files read at the same time as this one (ReadOptions.readers); default 1. */
  readers?: number;
  /** Bytes per chunk (tests make them small); default: 8 MiB, less for a file that would make fewer chunks than threads. */
  chunkBytes?: number;
}

/** Below this many bytes of data one thread scans the whole file (a worker costs ~30 ms to start). */
const BYTES_PER_THREAD = 8 * 1024 * 1024;
/**
 * Chunk size for large files: big enough that a worker's round trip is noise, small enough that the
 * few in flight, read into the same buffers over and over, fault in little fresh memory (32 MiB chunks
 * took 30% more page faults on two 196 MB files).
 */
const CHUNK_BYTES = 8 * 1024 * 1024;

// One-shot (workerData holds a task, as the test of the worker code runs it) or a pool member that scans
// each chunk it is sent. Chunk bytes are shared memory, so a chunk whose worker died is scanned here again.
const WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const scan = ${scanCsvNumbers.toString()};
function run(d) {
  const result = scan(d.bytes, d.start, d.end, d.ncols, d.delimiter, d.skip, 0, d.slots);
  const buffers = new Set([...result.values, result.recordStarts, result.recordLines, result.oddRows, result.oddColumns, result.matrix].filter((a) => a).map((a) => a.buffer));
  parentPort.postMessage({ id: d.id, result }, [...buffers]);
}
if (workerData && workerData.bytes) run(workerData);
else parentPort.on("message", run);
`;

interface Chunk {
  result: ScanResult;
}

/** The code each scanning worker runs (exposed for the test that it is self-contained). */
export function scanWorkerSource(): string {
  return WORKER_SOURCE;
}

/** Where the bytes come from: a file (read in chunks, again later for `raw`) or bytes already in memory. */
interface ByteSource {
  size: number;
  read(into: Uint8Array, position: number): Promise<number>;
  /** A synchronous reader for a second pass after the first has finished (raw text, late text columns). */
  reopen(): { read(into: Uint8Array, position: number): number; close(): void };
}

function memorySource(bytes: Uint8Array): ByteSource {
  const copy = (into: Uint8Array, position: number): number => {
    const part = bytes.subarray(position, position + into.length);
    into.set(part);
    return part.length;
  };
  return { size: bytes.length, read: async (into, position) => copy(into, position), reopen: () => ({ read: copy, close: () => undefined }) };
}

function fileSource(file: FileHandle, path: string, size: number, mtimeMs: number): ByteSource {
  return {
    size,
    read: async (into, position) => {
      let done = 0;
      while (done < into.length) {
        const { bytesRead } = await file.read(into, done, into.length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    },
    reopen: () => {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw new DataError(`cannot read data file ${path} again: ${error instanceof Error ? error.message : String(error)} — leave the file in place until the run ends`);
      }
      const now = fstatSync(fd);
      if (now.size !== size || now.mtimeMs !== mtimeMs) {
        closeSync(fd);
        throw new DataError(`data file ${path} changed while model-gate was using it — run again once nothing writes to it`);
      }
      return {
        read: (into, position) => {
          let done = 0;
          while (done < into.length) {
            const n = readSync(fd, into, done, into.length - done, position + done);
            if (n === 0) break;
            done += n;
          }
          return done;
        },
        close: () => closeSync(fd)
      };
    }
  };
}

/**
 * The dataset in `bytes` (UTF-8 already checked by the caller), or undefined when the file needs the
 * general parser. Chunks of `chunkBytes` (default: split for `threads`) are scanned as a file's are.
 */
export async function readCsvFast(bytes: Uint8Array, path: string, options: FastCsvOptions): Promise<Dataset | undefined> {
  const threads = options.threads ?? 0;
  const chunkBytes = options.chunkBytes ?? (threads > 1 ? Math.max(64, Math.ceil(bytes.length / threads)) : Math.max(1, bytes.length));
  return readChunked(memorySource(bytes), path, { ...options, threads, chunkBytes });
}

/** The dataset in an open CSV file, read in chunks; undefined when it needs the general parser. DataError for bad UTF-8. */
export async function readCsvFile(file: FileHandle, path: string, options: FastCsvOptions): Promise<Dataset | undefined> {
  const stats = await file.stat();
  return readChunked(fileSource(file, path, stats.size, stats.mtimeMs), path, options);
}

/** Refuses UTF-16 and invalid UTF-8, with the words every reader uses. */
export function checkEncoding(bytes: Uint8Array, path: string, atStart = true): void {
  if (atStart && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new DataError(`data file ${path} is UTF-16 text — save it as UTF-8 (e.g. "CSV UTF-8" in Excel)`);
  }
  if (!isUtf8(bytes)) throw new DataError(`data file ${path} is not valid UTF-8 text — re-save it with UTF-8 encoding`);
}

/** Worker threads for a file of `size` bytes: none below 8 MiB, else the machine's (at most 8) shared among `readers`; `threads` overrides. */
export function scanThreads(size: number, options: Pick<FastCsvOptions, 'threads' | 'readers'>): number {
  if (options.threads !== undefined) return Math.min(options.threads, 16);
  if (size < BYTES_PER_THREAD) return 0;
  return Math.max(1, Math.floor(Math.min(8, availableParallelism()) / Math.max(1, options.readers ?? 1)));
}

async function readChunked(source: ByteSource, path: string, options: FastCsvOptions): Promise<Dataset | undefined> {
  // One ASCII byte, not a quote or line break; anything else is left to the general parser.
  const D = options.delimiter.length === 1 ? options.delimiter.charCodeAt(0) : -1;
  if (D < 1 || D > 127 || D === 34 || D === 10 || D === 13) return undefined;
  const size = source.size;
  if (size === 0) return undefined;
  const workers = scanThreads(size, options);
  const chunkBytes = Math.max(1, options.chunkBytes ?? (workers === 0 ? size : Math.min(CHUNK_BYTES, Math.max(BYTES_PER_THREAD / 2, Math.ceil(size / workers)))));

  const chunks = chunker(source, chunkBytes, workers > 0);
  const first = await chunks.next();
  if (first === undefined) return undefined;
  checkEncoding(first.bytes, path);
  const head = findHeader(first.bytes);
  if (head === undefined) return undefined; // a quoted header, a header longer than a chunk, or no header
  const firstBuffer = Buffer.from(first.bytes.buffer, first.bytes.byteOffset, first.bytes.length);
  const header = checkHeader(decodeFields(firstBuffer, head.start, head.end, D), path, head.line);
  const ncols = header.length;
  const forced = new Set(options.categorical ?? []);
  const keep = Uint8Array.from(header, (name) => (options.keepColumn === undefined || options.keepColumn(name) ? 1 : 0));
  // Not scanned: text kept as written (forced categorical) or the column left out.
  const skip = Uint8Array.from(header, (name, c) => (forced.has(name) || !keep[c] ? 1 : 0));
  let slots: Int32Array | null = null;
  if (options.rowMajor !== undefined) {
    const left = new Set(options.rowMajor.exclude ?? []);
    let next = 0;
    slots = Int32Array.from(header, (name, c) => (left.has(name) || !keep[c] ? -1 : next++));
  }
  const width = slots === null ? 0 : slots.reduce((w, s) => Math.max(w, s + 1), 0);
  const table = new Assembly(header, skip, keep, slots, width);

  const pool = workers > 0 ? new ScanPool(workers) : undefined;
  const scan = (bytes: Uint8Array, start: number): Promise<Chunk> => {
    const task = { bytes, start, end: bytes.length, ncols, delimiter: D, skip, slots };
    return pool?.run(task) ?? Promise.resolve(scanHere(task));
  };
  try {
    // In file order: the chunk being read, one scanning per worker; each is absorbed as soon as it is its turn.
    const inFlight: { bytes: Uint8Array; scanned: Promise<Chunk> }[] = [{ bytes: first.bytes, scanned: scan(first.bytes, head.next) }];
    let lineOffset = head.line + 1;
    let done = first.last;
    let estimated = false;
    for (;;) {
      while (!done && inFlight.length < workers + 1) {
        const next = await chunks.next();
        if (next === undefined) break;
        checkEncoding(next.bytes, path, false);
        inFlight.push({ bytes: next.bytes, scanned: scan(next.bytes, 0) });
        done = next.last;
      }
      if (inFlight.length === 0) break;
      const { bytes, scanned } = inFlight.shift()!;
      const chunk = await scanned;
      if (chunk.result.giveUp !== '') return undefined; // the general parser takes the file
      if (!estimated) {
        // Room for every row, guessed from the first chunk's density, so the columns are filled in place.
        table.reserve(Math.ceil((chunk.result.rows / Math.max(1, bytes.length - head.next)) * (size - head.next) * 1.05) + 16);
        estimated = true;
      }
      table.absorb(chunk, bytes, D, lineOffset);
      chunks.recycle(bytes);
      lineOffset += chunk.result.lines;
    }
  } finally {
    pool?.close();
  }
  if (table.rows === 0) return undefined; // the general path words "no data rows"
  return table.finish(path, source, head.next, ncols, D);
}

/** The columns as they grow, chunk after chunk. */
class Assembly {
  rows = 0;
  private capacity = 0;
  private values: Float64Array[];
  /** Null while every record is on the line after the previous one (line = firstLine + row): nothing to store. */
  private recordLines: Int32Array | null = null;
  private firstLine = -1;
  private matrix = new Float32Array(0);
  /** Per column: 1 once a cell was text (the column is categorical); its texts from `textFrom` on. */
  private text: Uint8Array;
  private textFrom: number[];
  private texts: string[][];
  private missing: Int32Array;

  constructor(
    private header: string[],
    private skip: Uint8Array,
    private keep: Uint8Array,
    private slots: Int32Array | null,
    private width: number
  ) {
    const n = header.length;
    this.values = header.map(() => new Float64Array(0));
    this.text = Uint8Array.from(header, (_, c) => (skip[c] && keep[c] ? 1 : 0));
    this.textFrom = header.map(() => 0);
    this.texts = header.map(() => []);
    this.missing = new Int32Array(n);
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const grow = <T extends Float64Array | Float32Array | Int32Array>(a: T, length: number): T => {
      const out = new (a.constructor as new (n: number) => T)(length);
      out.set(a.subarray(0, Math.min(a.length, length)));
      return out;
    };
    // Numeric columns in shared memory: the drift tests sort them on worker threads (stats/presort.ts),
    // which then read them where they are instead of getting a copy each.
    const growShared = (a: Float64Array, length: number): Float64Array => {
      const out = new Float64Array(new SharedArrayBuffer(length * 8));
      out.set(a.subarray(0, Math.min(a.length, length)));
      return out;
    };
    this.values = this.values.map((v, c) => (this.skip[c] ? v : growShared(v, rows)));
    if (this.recordLines !== null) this.recordLines = grow(this.recordLines, rows);
    if (this.width > 0) this.matrix = grow(this.matrix, rows * this.width);
    this.capacity = rows;
  }

  /** Takes in one scanned chunk while its bytes are still here. */
  absorb(chunk: Chunk, bytes: Uint8Array, D: number, lineOffset: number): void {
    const { result } = chunk;
    const n = result.rows;
    const at = this.rows;
    if (at + n > this.capacity) this.reserve(Math.max(at + n, Math.ceil(this.capacity * 1.25) + 1024));
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const cell = (row: number, column: number): string => {
      let i = result.recordStarts[row];
      for (let c = 0; c < column; c++) i = fieldEnd(bytes, i, D) + 1;
      return cellText(buffer, i, fieldEnd(bytes, i, D));
    };
    // Cells that were not plain numbers: a number after all (spaces around it), a missing token,
    // or text, which makes the column categorical as in typing.ts.
    for (let k = 0; k < result.oddRows.length; k++) {
      const c = result.oddColumns[k];
      if (this.text[c]) continue;
      const r = result.oddRows[k];
      const written = cell(r, c);
      const v = parseDecimal(written);
      if (v === v) {
        result.values[c][r] = v;
        if (this.width > 0 && result.matrix !== undefined) {
          const slot = this.slots![c];
          if (slot >= 0) result.matrix[r * this.width + slot] = v;
        }
      } else if (MISSING_TOKENS.has(written)) {
        this.missing[c]++;
      } else {
        // Text from here on: this chunk's cells are collected below, the earlier ones read again at the end.
        this.text[c] = 1;
        this.textFrom[c] = at;
      }
    }
    for (let c = 0; c < this.header.length; c++) {
      if (this.skip[c] || this.text[c]) continue;
      this.values[c].set(result.values[c], at);
    }
    const textColumns: number[] = [];
    for (let c = 0; c < this.header.length; c++) if (this.text[c]) textColumns.push(c);
    if (textColumns.length > 0) {
      const last = textColumns[textColumns.length - 1];
      for (let r = 0; r < n; r++) {
        let i = result.recordStarts[r];
        for (let c = 0; c <= last; c++) {
          const e = fieldEnd(bytes, i, D);
          if (this.text[c]) this.texts[c].push(cellText(buffer, i, e));
          i = e + 1;
        }
      }
    }
    if (this.firstLine < 0 && n > 0) this.firstLine = result.recordLines[0] + lineOffset;
    if (this.recordLines === null) {
      let regular = true;
      for (let r = 0; r < n && regular; r++) regular = result.recordLines[r] + lineOffset === this.firstLine + at + r;
      if (!regular) {
        this.recordLines = new Int32Array(this.capacity);
        for (let r = 0; r < at; r++) this.recordLines[r] = this.firstLine + r;
      }
    }
    if (this.recordLines !== null) for (let r = 0; r < n; r++) this.recordLines[at + r] = result.recordLines[r] + lineOffset;
    if (this.width > 0 && result.matrix !== undefined) this.matrix.set(result.matrix, at * this.width);
    this.rows += n;
  }

  finish(path: string, source: ByteSource, dataStart: number, ncols: number, D: number): Dataset {
    const slots = this.slots;
    const rows = this.rows;
    const trim = <T extends Float64Array | Float32Array | Int32Array>(a: T, length: number): T =>
      a.length <= length * 1.5 + 1024 ? (a.subarray(0, length) as T) : (a.slice(0, length) as T);
    // Text columns found late: their first rows again, from the file.
    const late = this.header.map((_, c) => c).filter((c) => this.keep[c] && this.text[c] && this.textFrom[c] > 0);
    if (late.length > 0) {
      const head = readColumnTexts(source, dataStart, ncols, D, late, Math.max(...late.map((c) => this.textFrom[c])));
      for (const c of late) this.texts[c] = [...head.get(c)!.slice(0, this.textFrom[c]), ...this.texts[c]];
    }
    const columns: Column[] = [];
    const kept: Column[] = [];
    for (let c = 0; c < this.header.length; c++) {
      if (!this.keep[c]) continue;
      const name = this.header[c];
      let column: Column;
      if (this.text[c]) {
        column = typeColumn(name, this.texts[c], true);
        this.texts[c] = [];
      } else {
        const values = trim(this.values[c], rows);
        column = numericColumn(name, values, this.missing[c], () => readColumnTexts(source, dataStart, ncols, D, [c], rows).get(c)!);
        let shortest: boolean | undefined;
        markWrittenAsShortest(column, () => {
          if (shortest === undefined) {
            let all = true;
            walkCells(source, dataStart, D, [c], rows, (_, bytes, start, end, record) => {
              const v = values[record];
              if (all && v === v) all = plainInteger(bytes, start, end, v);
            });
            shortest = all;
          }
          return shortest;
        });
      }
      columns.push(column);
      if (slots !== null && slots[c] >= 0) kept.push(column);
    }
    const dataset = { path, rowCount: rows, columns } as Dataset;
    if (this.recordLines !== null) dataset.recordLines = trim(this.recordLines, rows);
    else {
      // No blank line anywhere: the lines are a count, written out only if an error message asks for one.
      const firstLine = this.firstLine;
      let lines: Int32Array | undefined;
      Object.defineProperty(dataset, 'recordLines', {
        enumerable: true,
        configurable: true,
        get: () => {
          if (lines === undefined) {
            lines = new Int32Array(rows);
            for (let r = 0; r < rows; r++) lines[r] = firstLine + r;
          }
          return lines;
        },
        set: (value: Int32Array) => {
          lines = value;
        }
      });
    }
    if (this.width > 0) dataset.rowMajor = { data: trim(this.matrix, rows * this.width), columns: kept };
    return dataset;
  }
}

/** A numeric column whose text as written (`raw`) is read from the file again only when first asked for. */
function numericColumn(name: string, values: Float64Array, missing: number, texts: () => string[]): NumericColumn {
  let raw: (string | null)[] | undefined;
  return {
    name,
    kind: 'numeric',
    values,
    missing,
    get raw(): (string | null)[] {
      if (raw === undefined) {
        const written: (string | null)[] = texts();
        for (let r = 0; r < values.length; r++) if (values[r] !== values[r]) written[r] = null;
        raw = written;
      }
      return raw;
    }
  };
}

/**
 * The cells of `columns` in the first `rows` records from `dataStart` on, read again from the source
 * in chunks (a file the fast path accepted: every non-blank line is one record).
 */
function readColumnTexts(source: ByteSource, dataStart: number, ncols: number, D: number, columns: number[], rows: number): Map<number, string[]> {
  const out = new Map<number, string[]>(columns.map((c) => [c, []]));
  const lists = Array.from({ length: ncols }, (_, c) => out.get(c));
  walkCells(source, dataStart, D, columns, rows, (c, bytes, start, end) => {
    lists[c]!.push(cellText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), start, end));
  });
  return out;
}

/** Calls `visit` with each cell of `columns` (byte range in `bytes`), record after record, for the first `rows` records. */
function walkCells(
  source: ByteSource,
  dataStart: number,
  D: number,
  columns: number[],
  rows: number,
  visit: (column: number, bytes: Uint8Array, start: number, end: number, record: number) => void
): void {
  const last = Math.max(...columns);
  const wanted = new Uint8Array(last + 1);
  for (const c of columns) wanted[c] = 1;
  const reader = source.reopen();
  try {
    let position = dataStart;
    let carry = new Uint8Array(0);
    let record = 0;
    let step = 16 * 1024 * 1024;
    while (record < rows) {
      const bytes = new Uint8Array(carry.length + Math.max(0, Math.min(step, source.size - position)));
      bytes.set(carry);
      const got = reader.read(bytes.subarray(carry.length), position);
      position += got;
      const filled = carry.length + got;
      const atEnd = position >= source.size || got === 0;
      const end = atEnd ? filled : bytes.lastIndexOf(10, filled - 1) + 1;
      if (end <= 0) {
        // A line longer than the step: read more of it.
        carry = bytes.slice(0, filled);
        step *= 2;
        continue;
      }
      const view = bytes.subarray(0, end);
      let i = 0;
      while (i < end && record < rows) {
        const b = view[i];
        if (b === 10 || b === 13) {
          i++;
          continue;
        }
        for (let c = 0; c <= last; c++) {
          const e = fieldEnd(view, i, D);
          if (wanted[c]) visit(c, view, i, e, record);
          i = e + 1;
        }
        // The rest of the record: no line break can be inside a field of a file the fast path took.
        i--;
        while (i < end && view[i] !== 10 && view[i] !== 13) i++;
        record++;
      }
      if (atEnd) break;
      carry = bytes.slice(end, filled);
    }
  } finally {
    reader.close();
  }
}

export { writtenAsShortest } from './shortest.js';

/** Whether the bytes [start, end) are the canonical decimal text of the integer `value` (|value| < 2^53). */
function plainInteger(bytes: Uint8Array, start: number, end: number, value: number): boolean {
  if (!Number.isInteger(value) || Math.abs(value) >= 2 ** 53 || Object.is(value, -0)) return false;
  let i = start;
  if (bytes[i] === 45) i++;
  if (i >= end || (bytes[i] === 48 && end - i > 1)) return false;
  let v = 0;
  for (; i < end; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  return (bytes[start] === 45 ? -v : v) === value;
}

/** Hands out the source's bytes in chunks that end at a line feed (or the end), the partial line carried over. */
function chunker(source: ByteSource, chunkBytes: number, shared: boolean) {
  let position = 0;
  let carry: Uint8Array = new Uint8Array(0);
  // Buffers whose chunk is absorbed, to read the next chunks into: fresh memory costs a page fault
  // per 4 KiB, about a third of the reading's CPU time when every chunk had its own.
  const spare: Uint8Array[] = [];
  const SLACK = 65536;
  const buffer = (room: number): Uint8Array => {
    const reused = spare.pop();
    if (reused !== undefined && reused.length >= room) return reused.subarray(0, room);
    const length = room <= chunkBytes + SLACK ? chunkBytes + SLACK : room;
    return new Uint8Array(shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length)).subarray(0, room);
  };
  return {
    /** Takes back a chunk's bytes once nothing reads them any more. */
    recycle(bytes: Uint8Array): void {
      if (bytes.buffer.byteLength === chunkBytes + SLACK) spare.push(new Uint8Array(bytes.buffer));
    },
    /** The next chunk, or undefined at the end; `last` when it reaches the end of the source. */
    async next(): Promise<{ bytes: Uint8Array; last: boolean } | undefined> {
      if (position >= source.size && carry.length === 0) return undefined;
      let want = chunkBytes;
      for (;;) {
        const room = carry.length + Math.min(want, source.size - position);
        const bytes = buffer(room);
        bytes.set(carry);
        const got = await source.read(bytes.subarray(carry.length), position);
        position += got;
        const filled = carry.length + got;
        if (position >= source.size || got === 0) {
          carry = new Uint8Array(0);
          position = source.size;
          return { bytes: bytes.subarray(0, filled), last: true };
        }
        const end = bytes.lastIndexOf(10, filled - 1) + 1;
        if (end > 0) {
          carry = bytes.slice(end, filled);
          return { bytes: bytes.subarray(0, end), last: false };
        }
        // No line feed yet (a very long line, or lone CR line breaks): a bigger chunk.
        carry = bytes.slice(0, filled);
        want *= 2;
      }
    }
  };
}

interface ScanTask {
  bytes: Uint8Array;
  start: number;
  end: number;
  ncols: number;
  delimiter: number;
  skip: Uint8Array;
  slots: Int32Array | null;
}

function scanHere(t: ScanTask): Chunk {
  return { result: scanCsvNumbers(t.bytes, t.start, t.end, t.ncols, t.delimiter, t.skip, 0, t.slots) };
}

/** Worker threads that scan chunks; a chunk whose worker failed is scanned on this thread. */
class ScanPool {
  private idle: Worker[] = [];
  private all: Worker[] = [];
  private queue: { task: ScanTask; resolve: (c: Chunk) => void }[] = [];
  private busy = new Map<Worker, { task: ScanTask; resolve: (c: Chunk) => void }>();

  constructor(size: number) {
    for (let k = 0; k < size; k++) {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true });
      } catch {
        continue;
      }
      worker.on('message', (chunk: Chunk) => this.settle(worker, chunk));
      const failed = () => this.settle(worker, undefined, true);
      worker.on('error', failed);
      worker.on('exit', failed);
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: ScanTask): Promise<Chunk> {
    if (this.all.length === 0) return Promise.resolve(scanHere(task));
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  close(): void {
    for (const w of this.all) {
      w.removeAllListeners();
      void w.terminate();
    }
    this.all = [];
    this.idle = [];
    // Nobody waits for these any more (the file went to the general parser, or an error is on its way).
    const stopped: Chunk = { result: { rows: 0, values: [], recordStarts: new Float64Array(0), recordLines: new Int32Array(0), oddRows: new Int32Array(0), oddColumns: new Int32Array(0), lines: 0, giveUp: 'stopped' } };
    for (const job of [...this.busy.values(), ...this.queue]) job.resolve(stopped);
    this.busy.clear();
    this.queue = [];
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.postMessage(job.task);
    }
    if (this.all.length === 0) for (const job of this.queue.splice(0)) job.resolve(scanHere(job.task));
  }

  private settle(worker: Worker, chunk: Chunk | undefined, dead = false): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (dead) {
      this.all = this.all.filter((w) => w !== worker);
      this.idle = this.idle.filter((w) => w !== worker);
    } else this.idle.push(worker);
    if (job !== undefined) job.resolve(chunk ?? scanHere(job.task));
    this.pump();
  }
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
