// A small .npz writer: a ZIP archive (PKWARE APPNOTE 6.3, no Zip64) of .npy v1.0 members, as np.savez
// (stored) or np.savez_compressed (deflated) writes it, plus any other member as raw bytes (np.load
// hands a non-.npy member back as bytes). Each member carries its CRC-32; data/npz-file.ts and
// data/zip.ts read it back. Pure: bytes out, the caller writes them.

import { crc32, deflateRawSync } from 'node:zlib';

export type NpyArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** One member: an array saved under `key` (as key.npy), or raw bytes saved under `name` as it is. */
export type NpzMember = { key: string; data: NpyArray; shape?: number[] } | { name: string; bytes: Uint8Array };

function descrOf(a: NpyArray): string {
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Int32Array) return '<i4';
  if (a instanceof Uint32Array) return '<u4';
  return '|u1';
}

/** Magic, version 1.0, the header dict padded with spaces so the data starts at a multiple of 64. */
export function npyBytes(data: NpyArray, shape: number[] = [data.length]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let text = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  text += ' '.repeat(63 - ((10 + text.length) % 64)) + '\n';
  const out = new Uint8Array(10 + text.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  // Typed arrays are little-endian on every platform Node runs on.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + text.length);
  return out;
}

/** The archive's bytes; `deflate` compresses every member (np.savez_compressed). Members keep their order. */
export function encodeNpz(members: readonly NpzMember[], options: { deflate?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const put = (b: Uint8Array): void => {
    parts.push(b);
    offset += b.length;
  };
  for (const m of members) {
    const name = new TextEncoder().encode('key' in m ? `${m.key}.npy` : m.name);
    const raw = 'key' in m ? npyBytes(m.data, m.shape) : m.bytes;
    const method = options.deflate ? 8 : 0;
    const body = method === 8 ? new Uint8Array(deflateRawSync(raw)) : raw;
    const crc = crc32(raw);
    if (offset + 30 + name.length + body.length > 0xfffffff0) throw new RangeError('encodeNpz: archives over 4 GiB need Zip64, which this writer does not write');
    const local = new Uint8Array(30);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint16(12, 0x21, true); // 1980-01-01: a fixed date keeps the bytes reproducible
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, raw.length, true);
    lv.setUint16(26, name.length, true);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, raw.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    central.push(c);
    put(local);
    put(name);
    put(body);
  }
  const start = offset;
  for (const c of central) put(c);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, central.length, true);
  ev.setUint16(10, central.length, true);
  ev.setUint32(12, offset - start, true);
  ev.setUint32(16, start, true);
  put(end);
  const out = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
