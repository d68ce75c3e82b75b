import { crc32c, maskCrc, maskedCrc32c } from '../../src/training-log/crc32c.js';
import { decodeEvent, tensorScalar } from '../../src/training-log/event.js';
import { ProtoError, ProtoReader } from '../../src/training-log/protobuf.js';
import { encode, varint } from './proto-encode.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('CRC-32C', () => {
  test('the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
  test('TFRecord mask: rotate right 15, add 0xa282ead8', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(0xe3069283)).toBe((((0xe3069283 >>> 15) | ((0xe3069283 << 17) >>> 0)) + 0xa282ead8) % 2 ** 32);
  });
  test('every TensorBoard file starts with the same 12 bytes: length 24 and its masked CRC', () => {
    const header = bytes(0x18, 0, 0, 0, 0, 0, 0, 0);
    expect(maskedCrc32c(header)).toBe(0x224b7fa3); // stored little-endian as a3 7f 4b 22
  });
});

describe('ProtoReader on hand-made bytes', () => {
  test('varints: one byte, several bytes, 64-bit, negative int64 and int32', () => {
    const r = new ProtoReader(
      bytes(
        0x01,
        0xac, 0x02, // 300
        0x80, 0x80, 0x80, 0x80, 0x10, // 2^32 * 1 = 4294967296 (bit 32 set)
        0x85, 0x80, 0x80, 0x80, 0x80, 0x20, // 2^40 + 5
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // -1 as int64
        0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // -2 as int32 (sign-extended to 10 bytes)
        0xff, 0xff, 0xff, 0xff, 0x0f // 2^32 - 1
      )
    );
    expect(r.uint64()).toBe(1);
    expect(r.uint64()).toBe(300);
    expect(r.uint64()).toBe(4294967296);
    expect(r.int64()).toBe(2 ** 40 + 5);
    expect(r.int64()).toBe(-1);
    expect(r.int32()).toBe(-2);
    expect(r.uint64()).toBe(4294967295);
    expect(r.done).toBe(true);
  });

  test('the encoder helper and the reader agree on large and negative steps', () => {
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 2 ** 53 - 1, -1, -300, -(2 ** 40)]) {
      expect(new ProtoReader(Uint8Array.from(varint(v))).int64()).toBe(v);
    }
  });

  test('fixed32 float, fixed64 double, length-delimited string', () => {
    // field 1 float 1.5 (00 00 c0 3f), field 2 double -2.25, field 3 "hi"
    const buf = bytes(0x0d, 0x00, 0x00, 0xc0, 0x3f, 0x11, 0, 0, 0, 0, 0, 0, 0x02, 0xc0, 0x1a, 0x02, 0x68, 0x69);
    const r = new ProtoReader(buf);
    expect(r.tag()).toEqual({ field: 1, wire: 5 });
    expect(r.float()).toBe(1.5);
    expect(r.tag()).toEqual({ field: 2, wire: 1 });
    expect(r.double()).toBe(-2.25);
    expect(r.tag()).toEqual({ field: 3, wire: 2 });
    expect(r.string()).toBe('hi');
    expect(r.tag()).toBeUndefined();
  });

  test('skips unknown fields of every wire type, nested groups included', () => {
    const buf = bytes(
      0x50, 0x96, 0x01, // field 10 varint 150
      0x59, 1, 2, 3, 4, 5, 6, 7, 8, // field 11 fixed64
      0x62, 0x03, 0x61, 0x62, 0x63, // field 12 bytes "abc"
      0x6d, 1, 2, 3, 4, // field 13 fixed32
      0x73, // field 14 start group
      0x08, 0x01, // .. field 1 varint
      0x1b, 0x10, 0x05, 0x1c, // .. field 3 start group { field 2 varint 5 } end group 3
      0x74, // field 14 end group
      0x12, 0x02, 0x6f, 0x6b // field 2 "ok"
    );
    const r = new ProtoReader(buf);
    let found = '';
    for (let t = r.tag(); t !== undefined; t = r.tag()) {
      if (t.field === 2 && t.wire === 2) found = r.string();
      else r.skip(t);
    }
    expect(found).toBe('ok');
  });

  test('packed and unpacked repeated floats both read', () => {
    const packed = encode([{ n: 5, bytes: bytes(0, 0, 0x80, 0x3f, 0, 0, 0, 0x40) }]); // [1, 2]
    const unpacked = encode([{ n: 5, float: 3 }, { n: 5, float: 4 }]);
    for (const [buf, want] of [
      [packed, [1, 2]],
      [unpacked, [3, 4]]
    ] as const) {
      const r = new ProtoReader(buf);
      const out: number[] = [];
      for (let t = r.tag(); t !== undefined; t = r.tag()) r.repeated(t, 5, (x) => x.float(), out);
      expect(out).toEqual(want);
    }
  });

  test('malformed input fails with the absolute byte offset', () => {
    const origin = 1000;
    const cases: [Uint8Array, RegExp][] = [
      [bytes(0x08, 0x80, 0x80), /truncated varint at byte offset 1001/],
      [bytes(0x0a, 0x05, 0x61), /truncated: 5 bytes needed, 1 left at byte offset 1002/],
      [bytes(0x0e), /invalid wire type 6 for field 1 at byte offset 1000/],
      [bytes(0x00), /field number 0 at byte offset 1000/],
      [bytes(0x0b, 0x14), /group 1 closed by end group 2/],
      [bytes(0x0b, 0x08, 0x01), /unterminated group 1/],
      [bytes(0x0c), /end group 1 without a start/],
      [bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), /varint longer than 10 bytes at byte offset 1001/]
    ];
    for (const [buf, message] of cases) {
      const read = (): void => {
        const r = new ProtoReader(buf, 0, buf.length, origin);
        for (let t = r.tag(); t !== undefined; t = r.tag()) r.skip(t);
      };
      expect(read).toThrow(ProtoError);
      expect(read).toThrow(message);
    }
  });
});

describe('decodeEvent on hand-made bytes', () => {
  test('a TF1 event: wall_time, step, one simple_value', () => {
    // Event { wall_time: 1.5 (field 1, fixed64), step: 7 (field 2), summary (field 5) {
    //   value (field 1) { tag (1): "loss", simple_value (2): 0.25 } } }
    const buf = bytes(
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f,
      0x10, 0x07,
      0x2a, 0x0d, 0x0a, 0x0b, 0x0a, 0x04, 0x6c, 0x6f, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3e
    );
    expect(decodeEvent(buf)).toEqual({ wallTime: 1.5, step: 7, values: [{ tag: 'loss', simpleValue: 0.25 }] });
  });

  test('the file_version event; step 0 is absent on the wire and reads as 0', () => {
    const buf = encode([{ n: 1, double: 1700000000.25 }, { n: 3, bytes: 'brain.Event:2' }]);
    expect(decodeEvent(buf)).toEqual({ wallTime: 1700000000.25, step: 0, fileVersion: 'brain.Event:2', values: [] });
  });

  test('a TF2 scalar: rank-0 DT_FLOAT tensor with tensor_content, plugin "scalars", data_class SCALAR', () => {
    const content = new Uint8Array(4);
    new DataView(content.buffer).setFloat32(0, 0.1, true);
    const buf = encode([
      { n: 1, double: 2 },
      { n: 2, varint: 2 ** 33 },
      {
        n: 5,
        bytes: [
          {
            n: 1,
            bytes: [
              { n: 1, bytes: 'epoch_loss' },
              { n: 9, bytes: [{ n: 1, bytes: [{ n: 1, bytes: 'scalars' }, { n: 2, bytes: '' }] }, { n: 4, varint: 1 }] },
              { n: 8, bytes: [{ n: 1, varint: 1 }, { n: 2, bytes: [] }, { n: 4, bytes: content }] }
            ]
          }
        ]
      }
    ]);
    const e = decodeEvent(buf);
    expect(e.step).toBe(2 ** 33);
    expect(e.values).toHaveLength(1);
    const v = e.values[0]!;
    expect(v).toMatchObject({ tag: 'epoch_loss', pluginName: 'scalars', dataClass: 1 });
    expect(v.tensor).toMatchObject({ dtype: 1, shape: [] });
    expect(tensorScalar(v.tensor!)).toBe(Math.fround(0.1));
  });

  test('tensor scalars of other dtypes and encodings; non-scalars give undefined', () => {
    const t = (fields: Parameters<typeof encode>[0]) => decodeEvent(encode([{ n: 5, bytes: [{ n: 1, bytes: [{ n: 1, bytes: 'x' }, { n: 8, bytes: fields }] }] }])).values[0]!.tensor!;
    expect(tensorScalar(t([{ n: 1, varint: 1 }, { n: 5, float: 0.5 }]))).toBe(0.5); // float_val, unpacked
    expect(tensorScalar(t([{ n: 1, varint: 2 }, { n: 6, double: 0.1 }]))).toBe(0.1); // double_val
    expect(tensorScalar(t([{ n: 1, varint: 3 }, { n: 7, varint: -4 }]))).toBe(-4); // int_val
    expect(tensorScalar(t([{ n: 1, varint: 9 }, { n: 10, varint: 2 ** 40 }]))).toBe(2 ** 40); // int64_val
    expect(tensorScalar(t([{ n: 1, varint: 19 }, { n: 13, varint: 0x3c00 }]))).toBe(1); // half 1.0
    expect(tensorScalar(t([{ n: 1, varint: 1 }]))).toBe(0); // no values: zeros, as TensorFlow reads it
    expect(tensorScalar(t([{ n: 1, varint: 1 }, { n: 2, bytes: [{ n: 2, bytes: [{ n: 1, varint: 1 }] }] }, { n: 5, float: 2 }]))).toBe(2); // shape [1]
    expect(tensorScalar(t([{ n: 1, varint: 1 }, { n: 2, bytes: [{ n: 2, bytes: [{ n: 1, varint: 3 }] }] }, { n: 5, bytes: new Uint8Array(12) }]))).toBeUndefined(); // shape [3]
    expect(tensorScalar(t([{ n: 1, varint: 7 }, { n: 8, bytes: 'text' }]))).toBeUndefined(); // DT_STRING
    expect(tensorScalar(t([{ n: 1, varint: 1 }, { n: 4, bytes: new Uint8Array(3) }]))).toBeUndefined(); // content of the wrong size
  });

  test('unknown Event fields (graph_def, log_message, future fields) are skipped', () => {
    const buf = encode([
      { n: 4, bytes: new Uint8Array([1, 2, 3]) },
      { n: 6, bytes: [{ n: 2, bytes: 'hello' }] },
      { n: 99, varint: 5 },
      { n: 2, varint: 3 }
    ]);
    expect(decodeEvent(buf)).toEqual({ wallTime: 0, step: 3, values: [] });
  });
});
