// The parts of the ZIP format (PKWARE APPNOTE 6.3, Zip64 included) that reading an .npz takes.
// Pure: each function parses bytes the caller read; errors are plain Errors saying what is wrong.

import { quote } from '../untrusted.js';

export interface ZipDirectory {
  /** File offset and size of the central directory. */
  offset: number;
  size: number;
  entries: number;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** File offset of the entry's local header. */
  localOffset: number;
  encrypted: boolean;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const NO_32 = 0xffffffff;

/** Bytes at the end of a file that always hold the end-of-directory record (it ends in a comment of at most 65,535 bytes). */
export const ZIP_TAIL_BYTES = 22 + 0xffff + 20;

/**
 * The end-of-central-directory record in the last bytes of a file (`tail`). When the archive is Zip64,
 * `zip64At` is where its Zip64 record lies in the file (56 bytes to read).
 */
export function endOfDirectory(tail: Uint8Array): ZipDirectory & { zip64At?: number } {
  const v = view(tail);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (v.getUint32(at, true) !== EOCD || at + 22 + v.getUint16(at + 20, true) !== tail.length) continue;
    const found = { entries: v.getUint16(at + 10, true), size: v.getUint32(at + 12, true), offset: v.getUint32(at + 16, true) };
    if (at >= 20 && v.getUint32(at - 20, true) === ZIP64_LOCATOR) return { ...found, zip64At: u64(v, at - 12) };
    return found;
  }
  throw new Error('is not a ZIP archive (no end-of-directory record); an .npz is written by np.savez or np.savez_compressed');
}

/** The Zip64 end-of-central-directory record (56 bytes read at `zip64At`). */
export function zip64EndOfDirectory(record: Uint8Array): ZipDirectory {
  const v = view(record);
  if (record.length < 56 || v.getUint32(0, true) !== ZIP64_EOCD) throw new Error('has a damaged Zip64 end-of-directory record');
  return { entries: u64(v, 32), size: u64(v, 40), offset: u64(v, 48) };
}

/** Every entry of the central directory (`bytes` is the whole directory). */
export function centralDirectory(bytes: Uint8Array, expected: number): ZipEntry[] {
  const v = view(bytes);
  const entries: ZipEntry[] = [];
  const utf8 = new TextDecoder('utf-8');
  let at = 0;
  while (at + 46 <= bytes.length && v.getUint32(at, true) === CENTRAL) {
    const flags = v.getUint16(at + 8, true);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    let compressedSize = v.getUint32(at + 20, true);
    let size = v.getUint32(at + 24, true);
    let localOffset = v.getUint32(at + 42, true);
    const extraEnd = at + 46 + nameLength + extraLength;
    if (extraEnd + commentLength > bytes.length) throw new Error(`has a damaged central directory (entry ${quote(name)} runs past its end)`);
    // Zip64 extra field: the 64-bit values, in this order, of those whose 32-bit field is all ones.
    for (let e = at + 46 + nameLength; e + 4 <= extraEnd; ) {
      const id = v.getUint16(e, true);
      const length = v.getUint16(e + 2, true);
      if (e + 4 + length > extraEnd) throw new Error(`has a damaged central directory (an extra field of ${quote(name)} runs past its entry)`);
      if (id === 0x0001) {
        let p = e + 4;
        const next = (): number => {
          if (p + 8 > e + 4 + length) throw new Error(`has a damaged Zip64 field for ${quote(name)}`);
          p += 8;
          return u64(v, p - 8);
        };
        if (size === NO_32) size = next();
        if (compressedSize === NO_32) compressedSize = next();
        if (localOffset === NO_32) localOffset = next();
      }
      e += 4 + length;
    }
    entries.push({ name, method: v.getUint16(at + 10, true), compressedSize, size, localOffset, encrypted: (flags & 1) !== 0, crc32: v.getUint32(at + 16, true) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (entries.length !== expected) throw new Error(`has a damaged central directory (${entries.length} entries read, ${expected} announced)`);
  return entries;
}

/** Where an entry's data starts, from the first 30 bytes of its local header. */
export function dataOffset(localHeader: Uint8Array, entry: ZipEntry): number {
  const v = view(localHeader);
  if (localHeader.length < 30 || v.getUint32(0, true) !== LOCAL) throw new Error(`has a damaged local header for ${quote(entry.name)}`);
  return entry.localOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('has a Zip64 size or offset beyond 2^53');
  return Number(n);
}
