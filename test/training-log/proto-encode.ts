// A tiny protobuf and TFRecord encoder for tests: builds Event bytes by hand, independent of the
// decoder under test (the fixtures' bytes come from Google's protobuf library instead).

import { maskedCrc32c } from '../../src/training-log/crc32c.js';

export type Field =
  | { n: number; varint: number | bigint }
  | { n: number; fixed32: number }
  | { n: number; float: number }
  | { n: number; double: number }
  | { n: number; bytes: Uint8Array | string | Field[] };

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

export function encode(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    if ('varint' in f) out.push(...varint(f.n * 8 + 0), ...varint(f.varint));
    else if ('fixed32' in f) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, f.fixed32, true);
      out.push(...varint(f.n * 8 + 5), ...b);
    } else if ('float' in f) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, f.float, true);
      out.push(...varint(f.n * 8 + 5), ...b);
    } else if ('double' in f) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, f.double, true);
      out.push(...varint(f.n * 8 + 1), ...b);
    } else {
      const payload =
        typeof f.bytes === 'string' ? new TextEncoder().encode(f.bytes) : f.bytes instanceof Uint8Array ? f.bytes : encode(f.bytes);
      out.push(...varint(f.n * 8 + 2), ...varint(payload.length), ...payload);
    }
  }
  return Uint8Array.from(out);
}

export function tfrecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Event{wall_time, step, summary{value[]}} */
export function event(step: number, wallTime: number, values: Field[][]): Uint8Array {
  return encode([
    { n: 1, double: wallTime },
    ...(step !== 0 ? [{ n: 2, varint: step }] : []),
    { n: 5, bytes: values.map((v) => ({ n: 1, bytes: v })) }
  ]);
}

export const fileVersion = (): Uint8Array => encode([{ n: 1, double: 1.5e9 }, { n: 3, bytes: 'brain.Event:2' }]);

/** Summary.Value with a simple_value. */
export const simple = (tag: string, value: number): Field[] => [{ n: 1, bytes: tag }, { n: 2, float: value }];

/** Summary.Value with a rank-0 tensor, optionally with plugin metadata. */
export function tensorValue(tag: string, tensor: Field[], plugin?: string): Field[] {
  return [
    { n: 1, bytes: tag },
    ...(plugin !== undefined ? [{ n: 9, bytes: [{ n: 1, bytes: [{ n: 1, bytes: plugin }] }] } as Field] : []),
    { n: 8, bytes: tensor }
  ];
}
