// Builds .npz archives for the fuzz test: valid ZIP around .npy members whose headers, names, dtypes,
// shapes and payloads are chosen by the caller (so the reader gets past the ZIP layer and meets odd
// arrays), with correct CRC-32s unless asked otherwise. Layout as np.savez writes it (APPNOTE 6.3).

import { crc32, deflateRawSync } from 'node:zlib';
import { concat, utf8 } from './fuzz.js';

export interface Member {
  /** Name inside the archive, ".npy" included. */
  name: string;
  /** The .npy header's dictionary text, as written (padding and the final newline are added). */
  header: string;
  payload: Uint8Array;
  /** 1, 2 or 3. */
  version?: number;
  deflate?: boolean;
  /** Store this CRC-32 instead of the right one. */
  crc?: number;
}

/** The .npy bytes: magic, version, header length, header padded to a multiple of 64, payload. */
export function npyBytes(header: string, payload: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let text = header;
  text += ' '.repeat((64 - ((pre + Buffer.byteLength(text, version === 3 ? 'utf8' : 'latin1') + 1) % 64)) % 64) + '\n';
  const body = Buffer.from(text, version === 3 ? 'utf8' : 'latin1');
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(body.length & 0xffff, 8);
  else head.writeUInt32LE(body.length, 8);
  return concat(head, body, payload);
}

export function npzBytes(members: Member[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const raw = npyBytes(m.header, m.payload, m.version);
    const data = m.deflate ? deflateRawSync(raw) : raw;
    const crc = m.crc ?? crc32(raw);
    const name = utf8(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(m.deflate ? 8 : 0, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(raw.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    parts.push(local, name, data);
    offset += local.length + name.length + data.length;
  }
  const dir = concat(...central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return concat(...parts, dir, end);
}

/** A header dictionary as NumPy writes it. */
export function npyHeaderText(descr: string, shape: (number | string)[], fortran = false): string {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
}
