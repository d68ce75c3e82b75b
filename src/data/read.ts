// Reading a dataset file and picking the columns a model needs.

import { constants } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError } from '../errors.js';
import type { Column, Dataset } from '../types.js';
import { nameList, quote } from '../untrusted.js';
import { parseCsv } from './csv.js';
import { checkEncoding, readCsvFile } from './csv-fast.js';
import { parseJsonl } from './jsonl.js';
import { datasetFromArrays } from './npz.js';
import { NpzFormatError, readNpzArrays } from './npz-file.js';
import { readParquetFile } from './parquet.js';
import { readFully } from './read-fully.js';
import { typeColumns } from './typing.js';

export type DataFormat = 'csv' | 'jsonl' | 'npz' | 'parquet';

export interface ReadOptions {
  /** Columns to keep categorical even when every cell is a number (e.g. a 0/1 label). */
  categorical?: string[];
  /** CSV delimiter; by default ',' and tab for .tsv. Ignored for JSON Lines. */
  delimiter?: string;
  /** Also keep the columns but `exclude` as a row-major float32 matrix (Dataset.rowMajor) where the fast CSV path reads the file. */
  rowMajor?: { exclude?: readonly string[] };
  /** The input (and CLI flag) that named the file, for a message about a missing file; default `data`. */
  input?: string;
  /**
   * Which columns to keep, called once per column name of the file, in order (undefined: every column).
   * The others are not parsed where the format allows it (CSV's fast path) and are absent from the Dataset.
   */
  keepColumn?: (name: string) => boolean;
  /**
   * How many files are being read at the same time as this one: the CSV reader's threads are the
   * machine's divided among them (more threads than cores scanned slower in all, and took 30% more CPU).
   */
  readers?: number;
}

/** Extension (lower case, with dot) → format and default delimiter. */
export const SUPPORTED_EXTENSIONS: Readonly<Record<string, { format: DataFormat; delimiter?: string }>> = {
  '.csv': { format: 'csv', delimiter: ',' },
  '.txt': { format: 'csv', delimiter: ',' },
  '.tsv': { format: 'csv', delimiter: '\t' },
  '.jsonl': { format: 'jsonl' },
  '.ndjson': { format: 'jsonl' },
  '.json-lines': { format: 'jsonl' },
  '.npz': { format: 'npz' },
  '.parquet': { format: 'parquet' }
};

/** How a file is parsed, chosen by its extension; DataError for an unsupported one. */
export function formatOf(path: string): { format: DataFormat; delimiter?: string } {
  const ext = extname(path).toLowerCase();
  const found = Object.hasOwn(SUPPORTED_EXTENSIONS, ext) ? SUPPORTED_EXTENSIONS[ext] : undefined;
  if (found === undefined) {
    const list = Object.keys(SUPPORTED_EXTENSIONS).join(', ');
    const what = ext === '' ? 'has no extension' : `has the unsupported extension ${quote(ext)}`;
    throw new DataError(`data file ${path} ${what} — supported extensions: ${list} (rename the file or convert it)`);
  }
  return found;
}

/** Parses and types dataset text already in memory (readDataset without the I/O). */
export function parseDataset(text: string, path: string, options: ReadOptions = {}): Dataset {
  const { format, delimiter } = formatOf(path);
  if (format === 'npz') throw new DataError(`data file ${path} is a NumPy archive, not text — read it with readDataset`);
  if (format === 'parquet') throw new DataError(`data file ${path} is a Parquet file, not text — read it with readDataset`);
  let names: string[];
  let columns: Column[];
  let rowCount: number;
  let recordLines: Int32Array;
  if (format === 'csv') {
    const parsed = parseCsv(text, path, { delimiter: options.delimiter ?? delimiter });
    if (parsed.header.length === 0) throw noRows(path, 'is empty');
    if (parsed.rowCount === 0) throw noRows(path, 'has a header line but no data rows');
    names = parsed.header;
    checkCategorical(names, options.categorical, path);
    columns = typeColumns(parsed.header, parsed.columns, { categorical: options.categorical });
    rowCount = parsed.rowCount;
    recordLines = parsed.recordLines;
  } else {
    const parsed = parseJsonl(text, path, { categorical: options.categorical });
    if (parsed.rowCount === 0) throw noRows(path, 'is empty');
    names = parsed.columns.map((c) => c.name);
    checkCategorical(names, options.categorical, path);
    columns = parsed.columns;
    rowCount = parsed.rowCount;
    recordLines = parsed.recordLines;
  }
  if (options.keepColumn !== undefined) columns = keptColumns(columns, options.keepColumn);
  return { path, rowCount, columns, recordLines };
}

/** The columns `keep` wants, each name asked once, in file order. */
function keptColumns<T extends { name: string }>(columns: T[], keep: (name: string) => boolean): T[] {
  return columns.filter((c) => keep(c.name));
}

/**
 * Reads and types a dataset file: .csv/.txt (comma), .tsv (tab), .jsonl/.ndjson/.json-lines
 * (UTF-8 text), or .npz (NumPy arrays, see npz.ts). Every failure is a DataError whose message names the file.
 */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  const { format, delimiter } = formatOf(path); // unsupported extension: fail before touching the disk
  if (format === 'npz') {
    const dataset = datasetFromArrays(path, await readNpz(path, options.input), options);
    checkCategorical(dataset.columns.map((c) => c.name), options.categorical, path, options.keepColumn);
    if (options.keepColumn !== undefined) {
      const kept = keptColumns(dataset.columns, options.keepColumn);
      dataset.columns = kept;
      if (dataset.rowMajor !== undefined) dataset.rowMajor = { ...dataset.rowMajor, columns: dataset.rowMajor.columns.filter((c) => kept.includes(c)) };
    }
    return dataset;
  }
  if (format === 'parquet') {
    // Row group by row group through positioned reads, only the kept columns decoded (parquet.ts).
    const { dataset, names } = await withFile(path, options.input, async (file) => readParquetFile(file, (await file.stat()).size, path, options));
    checkCategorical(names, options.categorical, path, options.keepColumn);
    return dataset;
  }
  if (format === 'csv') {
    // The fast path reads the file in chunks and never holds all of it; the general parser needs it whole.
    const names: string[] = [];
    const keepColumn = (name: string): boolean => {
      names.push(name);
      return options.keepColumn?.(name) ?? true;
    };
    const fast = await withFile(path, options.input, async (file): Promise<Dataset | undefined> => {
      try {
        return await readCsvFile(file, path, { delimiter: options.delimiter ?? delimiter ?? ',', categorical: options.categorical, rowMajor: options.rowMajor, keepColumn, readers: options.readers });
      } catch (error) {
        // Out of memory for the typed arrays (a first chunk far denser than the rest): the general parser may still manage.
        if (!(error instanceof RangeError)) throw error;
        return undefined;
      }
    });
    if (fast !== undefined) {
      checkCategorical(names, options.categorical, path, options.keepColumn);
      return fast;
    }
  }
  const bytes = await readBytes(path, options.input);
  checkEncoding(bytes, path);
  if (bytes.length > constants.MAX_STRING_LENGTH) {
    const why = format === 'csv' ? 'line breaks inside quotes or records of uneven length, which the fast reader leaves to the general parser, ' : '';
    throw new DataError(
      `data file ${path} is ${(bytes.length / 2 ** 20).toFixed(0)} MiB and holds ${why}more text than one JavaScript string can (${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} MiB) — write it without line breaks inside quotes, or split it`
    );
  }
  return parseDataset(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), path, options);
}

/** Files this large are read into shared memory, so that worker threads can scan them in place. */
const SHARED_FROM_BYTES = 16 * 1024 * 1024;

async function readBytes(path: string, input?: string): Promise<Uint8Array> {
  return withFile(path, input, async (file) => {
    const size = (await file.stat()).size;
    const bytes = new Uint8Array(size >= SHARED_FROM_BYTES ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
    const done = await readFully(file, bytes, 0);
    return done === size ? bytes : bytes.subarray(0, done);
  });
}

async function readNpz(path: string, input?: string) {
  return withFile(path, input, async (file) => {
    try {
      return await readNpzArrays(file, (await file.stat()).size);
    } catch (error) {
      if (!(error instanceof NpzFormatError)) throw error;
      throw new DataError(`data file ${path}${error.key !== undefined ? `, array ${quote(error.key)},` : ''} ${error.message}`);
    }
  });
}

/** Opens a data file for `work`; a DataError naming the file when it cannot be read. */
async function withFile<T>(path: string, input = 'data', work: (file: FileHandle) => Promise<T>): Promise<T> {
  try {
    const file = await open(path, 'r');
    try {
      return await work(file);
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`data file not found: ${path} — check the \`${input}\` input / --${input} path`);
    if (code === 'EISDIR') throw new DataError(`data file ${path} is a directory — point the \`${input}\` input / --${input} at a file`);
    const message = error instanceof Error ? error.message : String(error);
    throw new DataError(`cannot read data file ${path}: ${message}`);
  }
}

function noRows(path: string, why: string): DataError {
  return new DataError(`data file ${path} ${why}: the dataset has no rows — add at least one data row`);
}

/** Every categorical override names a column of the file (one left out by `keep` need not be there: it is not read). */
function checkCategorical(names: string[], categorical: string[] | undefined, path: string, keep?: (name: string) => boolean): void {
  for (const name of categorical ?? []) {
    if (!names.includes(name) && (keep === undefined || keep(name))) throw missingColumn(name, 'categorical override', names, path);
  }
}

function missingColumn(name: string, role: string, names: readonly string[], path: string): DataError {
  const near = names.find((n) => n.toLowerCase() === name.toLowerCase() || n.trim() === name.trim());
  const hint = near !== undefined ? ` (did you mean ${quote(near)}?)` : '';
  return new DataError(`${role} column ${quote(name)} is not in ${path}${hint}; available columns: ${nameList(names)}`);
}

export interface FeatureSelection {
  label: string;
  id?: string;
  /** Feature columns in model input order; default: every column except label and id, in file order. */
  features?: string[];
  /** No feature column is fine (a predictions file takes none); by default it is an error. */
  noneNeeded?: boolean;
}

export interface SelectedColumns {
  label: Column;
  features: Column[];
  id?: Column;
}

/** Splits a dataset into label, features and optional id column; DataError for unknown or clashing names. */
export function selectFeatures(dataset: Dataset, selection: FeatureSelection): SelectedColumns {
  const names = dataset.columns.map((c) => c.name);
  const byName = new Map(dataset.columns.map((c) => [c.name, c] as const));
  const find = (name: string, role: string): Column => {
    const column = byName.get(name);
    if (column === undefined) throw missingColumn(name, role, names, dataset.path);
    return column;
  };
  const label = find(selection.label, 'label');
  let id: Column | undefined;
  if (selection.id !== undefined) {
    id = find(selection.id, 'id');
    if (selection.id === selection.label) {
      throw new DataError(`column ${quote(selection.id)} in ${dataset.path} is named as both the label and the id — name a different id column`);
    }
  }
  let features: Column[];
  if (selection.features !== undefined) {
    const seen = new Set<string>();
    features = selection.features.map((name) => {
      const column = find(name, 'feature');
      if (name === selection.label) throw new DataError(`column ${quote(name)} in ${dataset.path} is the label and cannot also be a feature — remove it from the features`);
      if (name === selection.id) throw new DataError(`column ${quote(name)} in ${dataset.path} is the id and cannot also be a feature — remove it from the features`);
      if (seen.has(name)) throw new DataError(`feature column ${quote(name)} is listed twice — list each feature once`);
      seen.add(name);
      return column;
    });
  } else {
    features = dataset.columns.filter((c) => c.name !== selection.label && c.name !== selection.id);
  }
  if (features.length === 0 && selection.noneNeeded !== true) {
    throw new DataError(`${dataset.path} has no feature columns besides the label${id ? ' and id' : ''}; available columns: ${nameList(names)}`);
  }
  const result: SelectedColumns = { label, features };
  if (id !== undefined) result.id = id;
  return result;
}
