// The external data files an ONNX model names, read from its protobuf bytes, so the files next to the
// model can be taken from the same revision. Only what materialising needs: the "location" of every
// initializer and sparse initializer stored externally (data_location = EXTERNAL), as the ONNX engine
// reads them (src/engines/onnx.ts, which settings-level code may not import). The engine checks the
// rest when it loads the model.

/** Field numbers of onnx.proto3 used here. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_SPARSE_INITIALIZER = 15;
const SPARSE_VALUES = 1;
const SPARSE_INDICES = 2;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;

interface Field {
  field: number;
  wire: number;
  /** The varint's value (wire 0). */
  value?: number;
  /** Start and end of the bytes (wire 2). */
  start?: number;
  end?: number;
}

/** The fields of one message between start and end; throws on truncated or malformed bytes. */
function fields(buf: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = [];
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new Error('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('varint too long');
  };
  while (pos < end) {
    const tag = varint();
    const f: Field = { field: Math.floor(tag / 8), wire: tag % 8 };
    if (f.wire === 0) f.value = varint();
    else if (f.wire === 1) pos += 8;
    else if (f.wire === 5) pos += 4;
    else if (f.wire === 2) {
      const len = varint();
      f.start = pos;
      f.end = pos + len;
      pos += len;
    } else throw new Error(`unsupported wire type ${f.wire}`);
    if (pos > end) throw new Error('truncated field');
    out.push(f);
  }
  return out;
}

const decoder = new TextDecoder();

/** The external data location a TensorProto names, if it is stored externally. */
function tensorLocation(buf: Uint8Array, start: number, end: number): string | undefined {
  let external = false;
  let location: string | undefined;
  for (const f of fields(buf, start, end)) {
    if (f.field === TENSOR_DATA_LOCATION && f.wire === 0) external = f.value === DATA_LOCATION_EXTERNAL;
    else if (f.field === TENSOR_EXTERNAL_DATA && f.wire === 2) {
      let key = '';
      let value = '';
      for (const e of fields(buf, f.start!, f.end!)) {
        if (e.wire !== 2) continue;
        if (e.field === 1) key = decoder.decode(buf.subarray(e.start, e.end));
        else if (e.field === 2) value = decoder.decode(buf.subarray(e.start, e.end));
      }
      if (key === 'location') location = value;
    }
  }
  return external ? location : undefined;
}

/**
 * The distinct external data files an ONNX model's initializers name, as written (relative to the model's
 * folder), in order of first mention. Empty for a model without external data; throws on bytes that are
 * not an ONNX protobuf.
 */
export function onnxExternalFiles(bytes: Uint8Array): string[] {
  const out = new Set<string>();
  const graph = fields(bytes, 0, bytes.length).find((f) => f.field === MODEL_GRAPH && f.wire === 2);
  if (graph === undefined) return [];
  for (const g of fields(bytes, graph.start!, graph.end!)) {
    if (g.wire !== 2) continue;
    const tensors: Field[] = [];
    if (g.field === GRAPH_INITIALIZER) tensors.push(g);
    else if (g.field === GRAPH_SPARSE_INITIALIZER) {
      tensors.push(...fields(bytes, g.start!, g.end!).filter((s) => s.wire === 2 && (s.field === SPARSE_VALUES || s.field === SPARSE_INDICES)));
    }
    for (const t of tensors) {
      const location = tensorLocation(bytes, t.start!, t.end!);
      if (location !== undefined) out.add(location);
    }
  }
  return [...out];
}
