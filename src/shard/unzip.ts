// A zip archive held in memory (a shard's .npz, or the artifact zip around it), member by member, within
// caps and CRC-checked: data/zip.ts parses the directory, this inflates. Errors are plain Errors whose
// message follows the archive's name ("… is not a ZIP archive").

import { crc32, inflateRawSync } from 'node:zlib';
import { centralDirectory, dataOffset, endOfDirectory, zip64EndOfDirectory } from '../data/zip.js';
import { quote } from '../untrusted.js';

export interface UnzipLimits {
  maxUnpackedBytes: number;
  maxEntries: number;
  /** Names the archive may hold: any other is an error, before anything is inflated. */
  known?: RegExp;
  /** The most bytes a member may unpack to, checked against its directory entry before inflating; undefined: leave it out. */
  memberLimit?: (name: string) => number | undefined;
}

/** Every file of the archive by name (folders left out). */
export function unzipMembers(bytes: Uint8Array, limits: UnzipLimits): Map<string, Uint8Array> {
  // zip64At is a file offset (the u64 the locator holds), so the whole archive can be given as the tail.
  const eocd = endOfDirectory(bytes);
  const dir = eocd.zip64At !== undefined ? zip64EndOfDirectory(bytes.subarray(eocd.zip64At, eocd.zip64At + 56)) : eocd;
  if (dir.entries > limits.maxEntries) throw new Error(`holds ${dir.entries} entries, more than the ${limits.maxEntries} expected`);
  if (dir.offset + dir.size > bytes.length) throw new Error('is cut short: its central directory lies past its end');
  const entries = centralDirectory(bytes.subarray(dir.offset, dir.offset + dir.size), dir.entries);
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.encrypted) throw new Error(`holds ${quote(e.name)} encrypted`);
    if (e.method !== 0 && e.method !== 8) throw new Error(`holds ${quote(e.name)} compressed with ZIP method ${e.method} (only stored and deflated are read)`);
    if (limits.known !== undefined && !limits.known.test(e.name)) throw new Error(`holds ${quote(e.name)}, which is not part of this format`);
    if (limits.memberLimit !== undefined) {
      const most = limits.memberLimit(e.name);
      if (most === undefined) continue;
      if (e.size > most) throw new Error(`holds ${quote(e.name)} of ${e.size} bytes, more than the ${most} its contents allow`);
    }
    total += e.size;
    if (total > limits.maxUnpackedBytes) throw new Error(`unpacks to more than the ${limits.maxUnpackedBytes} bytes allowed`);
    const start = dataOffset(bytes.subarray(e.localOffset, e.localOffset + 30), e);
    if (start + e.compressedSize > bytes.length) throw new Error(`is cut short inside ${quote(e.name)}`);
    const body = bytes.subarray(start, start + e.compressedSize);
    let data: Uint8Array;
    // A copy on a fresh buffer (a Buffer's slice() would be a view): the arrays over it are then aligned.
    if (e.method === 0) data = new Uint8Array(body);
    else {
      try {
        data = new Uint8Array(inflateRawSync(body, { maxOutputLength: Math.max(1, e.size) }));
      } catch (error) {
        throw new Error(`holds ${quote(e.name)}, whose deflated data is damaged (${(error as Error).message})`, { cause: error });
      }
    }
    if (data.length !== e.size) throw new Error(`holds ${quote(e.name)} of ${data.length} bytes where its directory says ${e.size}`);
    if (crc32(data) !== e.crc32) throw new Error(`holds ${quote(e.name)}, whose bytes do not match their CRC-32 (changed or cut after it was written)`);
    if (out.has(e.name)) throw new Error(`holds ${quote(e.name)} twice`);
    out.set(e.name, data);
  }
  return out;
}
