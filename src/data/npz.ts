// NumPy archives (.npz, from np.savez / np.savez_compressed) as a Dataset: each 1-D array is a
// column named by its key; a 2-D array of shape (n, k) gives k columns key[0] … key[k-1] (higher
// dimensions are flattened in C order: key[i,j]). Pure: the arrays come from npz-file.ts.
//
// Numeric columns are lazy: their float64 values, missing count and text are made on first use,
// so a network fed from the float32 matrix itself (Dataset.rowMajor, a view, no copy) never pays for them.

import { markWrittenAsShortest } from './shortest.js';
import { DataError } from '../errors.js';
import type { Column, Dataset, NumericColumn } from '../types.js';
import { quote } from '../untrusted.js';
import { halfToNumber, type NpyData, type NpyHeader } from './npy.js';
import { typeColumn } from './typing.js';

export interface NpzArray {
  /** The key it was saved under (the member name without ".npy"). */
  key: string;
  header: NpyHeader;
  data: NpyData;
}

export interface NpzOptions {
  categorical?: readonly string[];
  rowMajor?: { exclude?: readonly string[] };
}

/** Where one column's elements sit in its array: element i at offset + i × stride. */
interface Source {
  array: NpzArray;
  /** Which of the array's columns (C order over the non-row dimensions). */
  index: number;
  offset: number;
  stride: number;
}

export function datasetFromArrays(path: string, arrays: readonly NpzArray[], options: NpzOptions = {}): Dataset {
  if (arrays.length === 0) throw new DataError(`data file ${path} holds no arrays — save the features and labels with np.savez(path, x=features, y=labels)`);
  const first = arrays[0]!;
  for (const a of arrays) {
    if (a.header.shape.length === 0) {
      throw new DataError(`data file ${path}: array ${quote(a.key)} is a single value, not one value per row — save only per-row arrays in the evaluation archive`);
    }
    if (a.header.shape[0] !== first.header.shape[0]) {
      throw new DataError(
        `data file ${path}: array ${quote(a.key)} has ${a.header.shape[0]} rows but ${quote(first.key)} has ${first.header.shape[0]} — every array in the archive needs one entry per example (its first dimension)`,
      );
    }
  }
  const rows = first.header.shape[0]!;
  if (rows === 0) throw new DataError(`data file ${path} has arrays of length 0: the dataset has no rows — save at least one row`);

  const forced = new Set(options.categorical ?? []);
  const columns: Column[] = [];
  const sources = new Map<Column, Source>();
  const seen = new Set<string>();
  for (const array of arrays) {
    const trailing = array.header.shape.slice(1);
    const width = trailing.reduce((a, b) => a * b, 1);
    if (width === 0) {
      throw new DataError(`data file ${path}: array ${quote(array.key)} has shape (${array.header.shape.join(', ')}), no values per row — save arrays with at least one value per row`);
    }
    const text = array.data.kind === 'text' ? array.data.data : undefined;
    const nan = nanCounter(array, rows, width);
    for (let index = 0; index < width; index++) {
      const name = trailing.length === 0 ? array.key : `${array.key}[${unravel(index, trailing).join(',')}]`;
      if (seen.has(name)) throw new DataError(`data file ${path}: two arrays give a column named ${quote(name)} — rename one of the arrays`);
      seen.add(name);
      const source = sourceOf(array, index, rows, width, trailing);
      let column: Column;
      if (text !== undefined) {
        const cells = Array.from({ length: rows }, (_, i) => text[source.offset + i * source.stride]!);
        column = typeColumn(name, cells, forced.has(name));
      } else if (forced.has(name)) {
        const cells = Array.from({ length: rows }, (_, i) => textAt(array.data, source.offset + i * source.stride));
        column = typeColumn(name, cells, true);
      } else {
        column = lazyNumeric(name, rows, source, () => nan(source));
      }
      sources.set(column, source);
      columns.push(column);
    }
  }
  const dataset: Dataset = { path, rowCount: rows, columns, recordLines: new Int32Array(0) };
  if (options.rowMajor !== undefined) {
    const exclude = new Set(options.rowMajor.exclude ?? []);
    const kept = columns.filter((c) => !exclude.has(c.name));
    if (kept.length > 0) dataset.rowMajor = { data: rowMajorOf(kept, sources, rows), columns: kept };
  }
  return dataset;
}

/** Column `index` of an array: C order keeps a row's values together; Fortran order keeps a column's. */
function sourceOf(array: NpzArray, index: number, rows: number, width: number, trailing: number[]): Source {
  if (!array.header.fortranOrder) return { array, index, offset: index, stride: width };
  // Fortran order: element (i, p1 … pk) at i + rows × (p1 + d1 × (p2 + d2 × …)).
  const p = unravel(index, trailing);
  let f = 0;
  for (let k = p.length - 1; k >= 0; k--) f = f * trailing[k]! + p[k]!;
  return { array, index, offset: rows * f, stride: 1 };
}

/** C-order position → indices over `dims`. */
function unravel(index: number, dims: number[]): number[] {
  const out = new Array<number>(dims.length);
  for (let k = dims.length - 1; k >= 0; k--) {
    out[k] = index % dims[k]!;
    index = Math.floor(index / dims[k]!);
  }
  return out;
}

function numberAt(data: NpyData, at: number): number {
  switch (data.kind) {
    case 'number':
      return data.data[at]!;
    case 'bigint':
      return Number(data.data[at]!);
    case 'float16':
      return halfToNumber(data.data[at]!);
    case 'bool':
      return data.data[at] ? 1 : 0;
    case 'text':
      return NaN;
  }
}

/** The value as text: integers exactly (int64 too), floats as JavaScript prints them, NaN as ''. */
function textAt(data: NpyData, at: number): string {
  if (data.kind === 'bigint') return data.data[at]!.toString();
  if (data.kind === 'text') return data.data[at]!;
  const v = numberAt(data, at);
  return v === v ? String(v) : '';
}

function lazyNumeric(name: string, rows: number, source: Source, missingCount: () => number): NumericColumn {
  let values: Float64Array | undefined;
  let raw: (string | null)[] | undefined;
  let missing: number | undefined;
  const { array, offset, stride } = source;
  const column: NumericColumn = {
    name,
    kind: 'numeric',
    get values(): Float64Array {
      if (values === undefined) {
        values = new Float64Array(rows);
        const d = array.data;
        if (d.kind === 'number') for (let i = 0, at = offset; i < rows; i++, at += stride) values[i] = d.data[at]!;
        else for (let i = 0, at = offset; i < rows; i++, at += stride) values[i] = numberAt(d, at);
      }
      return values;
    },
    get missing(): number {
      missing ??= missingCount();
      return missing;
    },
    get raw(): (string | null)[] {
      if (raw === undefined) {
        raw = new Array<string | null>(rows);
        for (let i = 0, at = offset; i < rows; i++, at += stride) {
          const t = textAt(array.data, at);
          raw[i] = t === '' ? null : t;
        }
      }
      return raw;
    },
  };
  // textAt writes String(value) except for 64-bit integers, which it writes exactly: the same text while they fit a double.
  markWrittenAsShortest(column, () => {
    const d = array.data;
    if (d.kind !== 'bigint') return d.kind === 'number' || d.kind === 'float16' || d.kind === 'bool';
    for (let i = 0, at = offset; i < rows; i++, at += stride) {
      const x = d.data[at]!;
      if (x > 9007199254740991n || x < -9007199254740991n) return false;
    }
    return true;
  });
  return column;
}

/**
 * Missing (NaN) cells per column of a float array, counted on first use in one pass over the
 * whole array: a sum first (NaN anywhere makes it NaN), then, only if it is not finite, the counts.
 */
function nanCounter(array: NpzArray, rows: number, width: number): (source: Source) => number {
  const d = array.data;
  if (d.kind !== 'number' && d.kind !== 'float16') return () => 0;
  if (d.kind === 'number' && !(d.data instanceof Float32Array || d.data instanceof Float64Array)) return () => 0;
  let counts: Int32Array | undefined;
  const fortran = array.header.fortranOrder;
  return (source) => {
    if (counts === undefined) {
      // Counted by a column's place in the file: e % width in C order, floor(e / rows) in Fortran order.
      counts = new Int32Array(width);
      const a = d.data;
      if (d.kind === 'float16' || !Number.isFinite(sum(a as Float32Array | Float64Array))) {
        for (let e = 0; e < a.length; e++) {
          const v = d.kind === 'float16' ? halfToNumber(a[e]!) : a[e]!;
          if (v !== v) counts[fortran ? Math.floor(e / rows) : e % width]++;
        }
      }
    }
    // That place is where the column's first element lies (see sourceOf), in rows for Fortran order.
    return counts[fortran ? source.offset / rows : source.offset]!;
  };
}

function sum(a: Float32Array | Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (let i = n; i < a.length; i++) s0 += a[i]!;
  return s0 + s1 + s2 + s3;
}

/**
 * The kept columns as one row-major float32 matrix. When they are exactly one C-order float32
 * array, that array is the matrix (no copy); otherwise they are copied in, NaN for text.
 */
function rowMajorOf(kept: Column[], sources: Map<Column, Source>, rows: number): Float32Array {
  const s0 = sources.get(kept[0]!)!;
  const whole =
    s0.array.data.kind === 'number' &&
    s0.array.data.data instanceof Float32Array &&
    !s0.array.header.fortranOrder &&
    s0.stride === kept.length &&
    kept.every((c, k) => sources.get(c)!.array === s0.array && sources.get(c)!.index === k);
  if (whole) return (s0.array.data.data as Float32Array).subarray(0, rows * kept.length);
  const k = kept.length;
  const out = new Float32Array(rows * k);
  kept.forEach((c, j) => {
    const { array, offset, stride } = sources.get(c)!;
    const d = array.data;
    if (d.kind === 'text') for (let i = 0; i < rows; i++) out[i * k + j] = c.kind === 'numeric' ? c.values[i]! : NaN;
    else if (d.kind === 'number') for (let i = 0, at = offset; i < rows; i++, at += stride) out[i * k + j] = d.data[at]!;
    else for (let i = 0, at = offset; i < rows; i++, at += stride) out[i * k + j] = numberAt(d, at);
  });
  return out;
}
