// Builds .npz archives for the fuzz test: valid ZIP around .npy members whose headers, names, dtypes,
// shapes and payloads are chosen by the caller (so the reader gets past the ZIP layer and meets odd
// arrays), with correct CRC-32s unless asked otherwise. Layout as np.savez writes it (APPNOTE 6.3).

import { zipBytes } from '../support/zip-writer.js';
import { concat } from './fuzz.js';

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
  return zipBytes(members.map((m) => ({ name: m.name, data: npyBytes(m.header, m.payload, m.version), deflate: m.deflate, crc: m.crc })));
}

/** A header dictionary as NumPy writes it. */
export function npyHeaderText(descr: string, shape: (number | string)[], fortran = false): string {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
}
