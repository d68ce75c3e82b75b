// The cost curve's Parquet files, written by parquet-wasm (Rust's parquet crate, snappy as pandas'
// to_parquet defaults to), not by hyparquet, the reader being measured. parquet-wasm takes an Arrow
// table; without apache-arrow installed, the Arrow IPC stream of a few non-null int64/float64
// columns is laid out here by hand (Arrow's Schema.fbs / Message.fbs, flatbuffers), which is short.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Flatbuffer objects, written front to back: every child after its parent, so uoffsets point forward. */
class Flat {
  constructor() {
    this.buf = new DataView(new ArrayBuffer(1 << 16));
    this.pos = 0;
  }
  pad(align, rem = 0) {
    while (this.pos % align !== rem) this.buf.setUint8(this.pos++, 0);
  }
  /** A table: `fields[id]` is [kind, value] or undefined; each present field gets an 8-byte slot. */
  table(fields) {
    const present = fields.map((f, id) => (f === undefined ? -1 : id)).filter((id) => id >= 0);
    this.pad(2);
    const vt = this.pos;
    this.buf.setUint16(vt, 4 + 2 * fields.length, true);
    this.buf.setUint16(vt + 2, 4 + 8 * present.length, true);
    this.pos += 4 + 2 * fields.length;
    this.pad(8, 4); // the table's fields then start 8-aligned
    const t = this.pos;
    this.buf.setInt32(t, t - vt, true);
    const children = [];
    present.forEach((id, slot) => {
      const at = t + 4 + 8 * slot;
      this.buf.setUint16(vt + 4 + 2 * id, 4 + 8 * slot, true);
      const [kind, value] = fields[id];
      if (kind === 'u8') this.buf.setUint8(at, value);
      else if (kind === 'i16') this.buf.setInt16(at, value, true);
      else if (kind === 'i32') this.buf.setInt32(at, value, true);
      else if (kind === 'i64') this.buf.setBigInt64(at, BigInt(value), true);
      else children.push([at, value]); // 'off': a function that writes the child and returns its position
    });
    this.pos = t + 4 + 8 * present.length;
    for (const [at, write] of children) this.buf.setUint32(at, write() - at, true);
    return t;
  }
  string(s) {
    const bytes = new TextEncoder().encode(s);
    this.pad(4);
    const p = this.pos;
    this.buf.setUint32(p, bytes.length, true);
    bytes.forEach((b, i) => this.buf.setUint8(p + 4 + i, b));
    this.buf.setUint8(p + 4 + bytes.length, 0);
    this.pos = p + 5 + bytes.length;
    return p;
  }
  tables(writers) {
    this.pad(4);
    const p = this.pos;
    this.buf.setUint32(p, writers.length, true);
    this.pos = p + 4 + 4 * writers.length;
    writers.forEach((write, i) => this.buf.setUint32(p + 4 + 4 * i, write(this) - (p + 4 + 4 * i), true));
    return p;
  }
  /** A vector of structs of two int64s (FieldNode, Buffer), 8-aligned. */
  pairs(pairs) {
    this.pad(8, 4);
    const p = this.pos;
    this.buf.setUint32(p, pairs.length, true);
    pairs.forEach(([a, b], i) => {
      this.buf.setBigInt64(p + 4 + 16 * i, BigInt(a), true);
      this.buf.setBigInt64(p + 12 + 16 * i, BigInt(b), true);
    });
    this.pos = p + 4 + 16 * pairs.length;
    return p;
  }
  /** The finished buffer: a root uoffset to the table `root` writes, padded to 8 bytes. */
  static build(root) {
    const f = new Flat();
    f.pos = 4;
    f.buf.setUint32(0, root(f), true);
    f.pad(8);
    return new Uint8Array(f.buf.buffer, 0, f.pos);
  }
}

const V5 = 4;
/** One encapsulated IPC message: continuation, metadata length, the Message flatbuffer, the body. */
function message(headerType, header, body) {
  const bodyLength = body.reduce((s, b) => s + b.byteLength, 0);
  const meta = Flat.build((f) => f.table([['i16', V5], ['u8', headerType], ['off', () => header(f)], ['i64', bodyLength]]));
  const prefix = new DataView(new ArrayBuffer(8));
  prefix.setUint32(0, 0xffffffff, true);
  prefix.setInt32(4, meta.byteLength, true);
  return [new Uint8Array(prefix.buffer), meta, ...body.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))];
}

/**
 * The Arrow IPC stream of one record batch of non-null columns, each a BigInt64Array (int64) or a
 * Float64Array (float64).
 */
export function arrowIpc(columns) {
  const names = Object.keys(columns);
  const n = columns[names[0]].length;
  const type = (data) =>
    data instanceof BigInt64Array
      ? [2, (f) => f.table([['i32', 64], ['u8', 1]])] // Type.Int {bitWidth 64, is_signed}
      : [3, (f) => f.table([['i16', 2]])]; // Type.FloatingPoint {DOUBLE}
  const field = (name) => (f) => {
    const [tt, t] = type(columns[name]);
    return f.table([['off', () => f.string(name)], ['u8', 0], ['u8', tt], ['off', () => t(f)], undefined, ['off', () => f.tables([])]]);
  };
  const schema = message(1, (f) => f.table([['i16', 0], ['off', () => f.tables(names.map(field))]]), []);
  const buffers = [];
  let offset = 0;
  for (let c = 0; c < names.length; c++) {
    buffers.push([offset, 0], [offset, 8 * n]); // no validity bitmap: nothing is null
    offset += 8 * n;
  }
  const batch = message(3, (f) => f.table([['i64', n], ['off', () => f.pairs(names.map(() => [n, 0]))], ['off', () => f.pairs(buffers)]]),
    names.map((name) => columns[name]));
  const end = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const parts = [...schema, ...batch, end];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Writes `columns` as Parquet with parquet-wasm: snappy, row groups of 1,048,576 rows (its default). */
export async function writeParquetFile(file, columns) {
  const pw = await import('parquet-wasm');
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build();
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrowIpc(columns)), props);
  writeFileSync(`${file}.part`, bytes);
  renameSync(`${file}.part`, file);
}

/**
 * data.parquet, cand.parquet, base.parquet in `dir` (int64 ids and labels, float64 as pandas holds
 * them), or a sentence saying why they could not be written (the curve prints it in their place).
 */
export async function writeBinaryParquet(dir, a) {
  const files = { data: path.join(dir, 'data.parquet'), cand: path.join(dir, 'cand.parquet'), base: path.join(dir, 'base.parquet') };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  try {
    const id = new BigInt64Array(a.n);
    for (let i = 0; i < a.n; i++) id[i] = BigInt(i);
    const y = BigInt64Array.from(a.y, (v) => BigInt(v));
    await writeParquetFile(files.data, { id, x: a.x, y });
    await writeParquetFile(files.cand, { id, score: a.cand });
    await writeParquetFile(files.base, { id, score: a.base });
    return files;
  } catch (e) {
    return `parquet-wasm could not write it: ${String(e?.message ?? e).slice(0, 120)}`;
  }
}
