// NumPy's .npy format (numpy.lib.format, versions 1–3): the header, and the payload as a typed array.
// Pure: bytes in, arrays out; the file access lives in npz-file.ts.

import { quote } from '../untrusted.js';

/** What an .npy header says. `headerBytes` is where the payload starts. */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  headerBytes: number;
}

/** One array's elements, in file order (C or Fortran, as the header says). */
export type NpyData =
  | { kind: 'number'; data: Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array }
  | { kind: 'bigint'; data: BigInt64Array | BigUint64Array }
  | { kind: 'float16'; data: Uint16Array }
  | { kind: 'bool'; data: Uint8Array }
  | { kind: 'text'; data: string[] };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes needed before the header can be parsed: magic, version, length field. */
export const NPY_PREAMBLE_BYTES = 12;

/**
 * The header length from the first bytes of an .npy (at least NPY_PREAMBLE_BYTES of them, or the
 * whole file if shorter); an Error whose message says what is wrong, for the caller to place.
 */
export function npyHeaderLength(start: Uint8Array): number {
  if (MAGIC.some((b, i) => i < start.length && start[i] !== b)) throw new Error('is not a NumPy .npy array (no \\x93NUMPY magic)');
  if (start.length < 10) throw new Error('is cut short inside its .npy header');
  const major = start[6]!;
  if (major === 1) return 10 + (start[8]! | (start[9]! << 8));
  if (major === 2 || major === 3) {
    if (start.length < 12) throw new Error('is cut short inside its .npy header');
    return 12 + (start[8]! | (start[9]! << 8) | (start[10]! << 16)) + start[11]! * 2 ** 24;
  }
  throw new Error(`is .npy format version ${major}.${start[7]}, which this reader does not know (1.0–3.0 are read)`);
}

/** Parses the header (the bytes up to npyHeaderLength). Errors name what is unsupported and what to save instead. */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const headerBytes = npyHeaderLength(bytes);
  if (bytes.length < headerBytes) throw new Error('is cut short inside its .npy header');
  const text = new TextDecoder(bytes[6] === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(bytes[6] === 1 ? 10 : 12, headerBytes));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(text)) {
      throw new Error('holds a structured (record) array — save each field as its own array: np.savez(path, **{f: a[f] for f in a.dtype.names})');
    }
    throw new Error(`has an .npy header without a dtype: ${quote(text.trim())}`);
  }
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (order === undefined || shapeText === undefined) throw new Error(`has an .npy header this reader cannot parse: ${quote(text.trim())}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`has an .npy shape this reader cannot parse: (${shapeText})`);
  return { descr, fortranOrder: order === 'True', shape, headerBytes };
}

/** Bytes per element of a dtype this reader takes; an Error naming the dtype and what to save instead. */
export function itemSize(descr: string): number {
  if (/^[<>|=]?O\d*$/.test(descr)) throw new Error(`holds Python objects (dtype ${quote(descr)}, saved with pickling) — convert strings with .astype(str) and numbers with .astype('float64') before saving`);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const why = (what: string) => new Error(`holds ${what} (dtype ${quote(descr)}) — save it as numbers (.astype('float32')) or text (.astype(str))`);
  if (m === null) {
    if (/^[<>|=]?[Mm]8/.test(descr)) throw why('dates or time spans');
    throw why('a dtype this reader does not take');
  }
  const [, , kind, sizeText] = m;
  const size = Number(sizeText);
  if (kind === 'f' && (size === 2 || size === 4 || size === 8)) return size;
  if ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) return size;
  if (kind === 'b' && size === 1) return 1;
  // Text of width 0 takes no bytes, so its shape could claim any number of items without the file holding one.
  if (kind === 'U' && size > 0) return size * 4;
  if (kind === 'S' && size > 0) return size;
  if (kind === 'c') throw why('complex numbers');
  throw why('a dtype this reader does not take');
}

/**
 * The payload as a typed array (or strings). `payload` must hold exactly count × itemSize bytes;
 * when its offset is aligned and the data little-endian, the result is a view of it, not a copy.
 */
export function npyData(descr: string, payload: Uint8Array, count: number): NpyData {
  const size = itemSize(descr);
  if (payload.length < count * size) throw new Error(`is cut short: its shape needs ${count * size} bytes of data, the file holds ${payload.length}`);
  const kind = descr[1]!;
  const big = descr[0] === '>' && size > 1 && kind !== 'S';
  if (kind === 'U' || kind === 'S') return { kind: 'text', data: textItems(payload, count, size, kind === 'U', descr[0] === '>') };
  if (kind === 'b') return { kind: 'bool', data: payload.subarray(0, count) };
  const aligned = (payload.byteOffset % size === 0 && !big) ? payload : copyAligned(payload, count * size, big ? size : 0);
  const { buffer, byteOffset } = aligned;
  if (kind === 'f' && size === 2) return { kind: 'float16', data: new Uint16Array(buffer, byteOffset, count) };
  if (kind === 'f') return { kind: 'number', data: size === 4 ? new Float32Array(buffer, byteOffset, count) : new Float64Array(buffer, byteOffset, count) };
  if (size === 8) return { kind: 'bigint', data: kind === 'i' ? new BigInt64Array(buffer, byteOffset, count) : new BigUint64Array(buffer, byteOffset, count) };
  const Int = kind === 'i' ? { 1: Int8Array, 2: Int16Array, 4: Int32Array }[size as 1 | 2 | 4] : { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array }[size as 1 | 2 | 4];
  return { kind: 'number', data: new Int(buffer as ArrayBuffer, byteOffset, count) };
}

/** A copy on a fresh (aligned) buffer, each element's bytes reversed when `swap` is its size. */
function copyAligned(payload: Uint8Array, length: number, swap: number): Uint8Array {
  const out = payload.slice(0, length);
  if (swap > 0) {
    for (let i = 0; i < length; i += swap) out.subarray(i, i + swap).reverse();
  }
  return out;
}

/** Fixed-width text items: 'U' is UTF-32 code points, 'S' bytes (read as UTF-8); both padded with NULs. */
function textItems(payload: Uint8Array, count: number, size: number, utf32: boolean, bigEndian: boolean): string[] {
  const out = new Array<string>(count);
  const utf8 = new TextDecoder('utf-8');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    if (!utf32) {
      let end = at + size;
      while (end > at && payload[end - 1] === 0) end--;
      out[i] = utf8.decode(payload.subarray(at, end));
      continue;
    }
    // NumPy strips trailing NULs only: a NUL inside the text stays.
    let end = at + size;
    while (end > at && view.getUint32(end - 4, !bigEndian) === 0) end -= 4;
    let text = '';
    for (let k = at; k < end; k += 4) {
      const p = view.getUint32(k, !bigEndian);
      if (p > 0x10ffff) throw new Error(`holds text that is not Unicode (code point ${p} in item ${i})`);
      text += String.fromCodePoint(p);
    }
    out[i] = text;
  }
  return out;
}

/** IEEE half → number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
