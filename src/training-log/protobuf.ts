// A minimal protobuf wire-format reader: enough to decode TensorBoard's Event, Summary and
// TensorProto messages without generated code. Pure; no I/O.
//
// Wire types: 0 varint, 1 fixed64, 2 length-delimited, 3/4 start/end group (deprecated, skipped),
// 5 fixed32. 64-bit integers come back as JavaScript numbers: exact up to 2^53, rounded beyond.
// Unknown fields are skipped, groups included, so newer writers with more fields still read. A known
// field whose wire type does not fit its declared type is skipped too, as protobuf's own parsers
// treat it as unknown.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Malformed protobuf. `offset` is the absolute byte offset (see ProtoReader's `origin`). */
export class ProtoError extends Error {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super(`${message} at byte offset ${offset}`);
    this.name = 'ProtoError';
  }
}

const TWO_32 = 4294967296;
const utf8 = new TextDecoder('utf-8');

export interface FieldTag {
  field: number;
  wire: number;
}

export class ProtoReader {
  /** Index into `buf` of the next byte to read. */
  pos: number;
  private readonly view: DataView;

  /**
   * Reads buf[start, end). `origin` is the absolute offset of buf[0] in the file, so error offsets
   * point into the file rather than into the slice.
   */
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
    readonly origin = 0
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  error(message: string, at = this.pos): ProtoError {
    return new ProtoError(message, this.origin + at);
  }

  /** The next field's number and wire type, or undefined at the end of the message. */
  tag(): FieldTag | undefined {
    if (this.done) return undefined;
    const start = this.pos;
    const key = this.uint64();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw this.error('field number 0', start);
    if (field > 0x1fffffff) throw this.error(`field number ${field} out of range`, start);
    if (wire === 6 || wire === 7) throw this.error(`invalid wire type ${wire} for field ${field}`, start);
    return { field, wire };
  }

  /** Low and high 32 bits (unsigned) of a varint of up to 10 bytes. */
  private varintParts(): [number, number] {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.error('truncated varint', start);
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x70) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    throw this.error('varint longer than 10 bytes', start);
  }

  /** uint64 / uint32 / enum. */
  uint64(): number {
    const [lo, hi] = this.varintParts();
    return hi * TWO_32 + lo;
  }

  /** int64, two's complement (negative values take 10 bytes). */
  int64(): number {
    const [lo, hi] = this.varintParts();
    if ((hi & 0x80000000) === 0) return hi * TWO_32 + lo;
    return -((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1);
  }

  /** int32: the low 32 bits of the varint, signed. */
  int32(): number {
    return this.varintParts()[0] | 0;
  }

  bool(): boolean {
    const [lo, hi] = this.varintParts();
    return lo !== 0 || hi !== 0;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      throw this.error(`truncated: ${n} bytes needed, ${Math.max(0, this.end - at)} left`, at);
    }
    this.pos += n;
    return at;
  }

  fixed32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  float(): number {
    return this.view.getFloat32(this.need(4), true);
  }

  double(): number {
    return this.view.getFloat64(this.need(8), true);
  }

  fixed64(): number {
    const at = this.need(8);
    return this.view.getUint32(at + 4, true) * TWO_32 + this.view.getUint32(at, true);
  }

  /** A length-delimited field's payload (a view, not a copy). */
  bytes(): Uint8Array {
    const len = this.uint64();
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over an embedded message (length-delimited field). */
  message(): ProtoReader {
    const len = this.uint64();
    const at = this.need(len);
    return new ProtoReader(this.buf, at, at + len, this.origin);
  }

  /** Skips the value of a field whose tag was just read. */
  skip(tag: FieldTag): void {
    switch (tag.wire) {
      case WIRE_VARINT:
        this.varintParts();
        return;
      case WIRE_FIXED64:
        this.need(8);
        return;
      case WIRE_LEN:
        this.need(this.uint64());
        return;
      case WIRE_FIXED32:
        this.need(4);
        return;
      case WIRE_START_GROUP: {
        const start = this.pos;
        for (;;) {
          const inner = this.tag();
          if (inner === undefined) throw this.error(`unterminated group ${tag.field}`, start);
          if (inner.wire === WIRE_END_GROUP) {
            if (inner.field !== tag.field) throw this.error(`group ${tag.field} closed by end group ${inner.field}`);
            return;
          }
          this.skip(inner);
        }
      }
      case WIRE_END_GROUP:
        throw this.error(`end group ${tag.field} without a start`);
      default:
        throw this.error(`invalid wire type ${tag.wire}`);
    }
  }

  /**
   * A repeated scalar field, packed (one length-delimited run) or not (one value per tag): both
   * encodings are valid for the same field, and parsers must accept either.
   */
  repeated(tag: FieldTag, elementWire: number, readOne: (r: ProtoReader) => number, out: number[]): void {
    if (tag.wire === WIRE_LEN) {
      const sub = this.message();
      while (!sub.done) out.push(readOne(sub));
      return;
    }
    if (tag.wire !== elementWire) {
      this.skip(tag);
      return;
    }
    out.push(readOne(this));
  }
}
