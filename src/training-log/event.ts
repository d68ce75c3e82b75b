// Decoding TensorBoard's Event protobuf and the scalar inside a summary value. Pure; no I/O.
//
// Field numbers (tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto,
// tensor_shape.proto):
//   Event:           wall_time double 1, step int64 2, file_version string 3, summary Summary 5
//   Summary:         value repeated Value 1
//   Summary.Value:   tag string 1, simple_value float 2, tensor TensorProto 8, metadata SummaryMetadata 9
//   SummaryMetadata: plugin_data PluginData 1 (plugin_name string 1), data_class enum 4
//   TensorProto:     dtype enum 1, tensor_shape TensorShapeProto 2, tensor_content bytes 4,
//                    float_val 5, double_val 6, int_val 7, int64_val 10, half_val 13
//   TensorShapeProto: dim repeated Dim 2 (size int64 1), unknown_rank bool 3
// Everything else (graph defs, histograms, images, log messages, session logs) is skipped.

import { ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf.js';

/** tensorflow.DataType values a scalar can have. */
export const DT = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  BFLOAT16: 14,
  HALF: 19
} as const;

/** tensorflow.DataClass.DATA_CLASS_SCALAR. */
export const DATA_CLASS_SCALAR = 1;

export interface DecodedTensor {
  dtype: number;
  /** Dimension sizes; [] for a rank-0 tensor. */
  shape: number[];
  unknownRank: boolean;
  content?: Uint8Array;
  floatVal: number[];
  doubleVal: number[];
  intVal: number[];
  int64Val: number[];
  halfVal: number[];
}

export interface DecodedValue {
  tag: string;
  simpleValue?: number;
  tensor?: DecodedTensor;
  /** From metadata.plugin_data.plugin_name, when this value carries metadata. */
  pluginName?: string;
  /** From metadata.data_class, when this value carries metadata. */
  dataClass?: number;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  /** The summary's values; [] for events without a summary. */
  values: DecodedValue[];
}

/** Decodes one Event. Throws ProtoError (with an absolute offset, given `origin`) on malformed bytes. */
export function decodeEvent(bytes: Uint8Array, origin = 0): DecodedEvent {
  const r = new ProtoReader(bytes, 0, bytes.length, origin);
  const event: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_FIXED64) event.wallTime = r.double();
    else if (t.field === 2 && t.wire === WIRE_VARINT) event.step = r.int64();
    else if (t.field === 3 && t.wire === WIRE_LEN) event.fileVersion = r.string();
    else if (t.field === 5 && t.wire === WIRE_LEN) decodeSummary(r.message(), event.values);
    else r.skip(t);
  }
  return event;
}

function decodeSummary(r: ProtoReader, out: DecodedValue[]): void {
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_LEN) out.push(decodeValue(r.message()));
    else r.skip(t);
  }
}

function decodeValue(r: ProtoReader): DecodedValue {
  const value: DecodedValue = { tag: '' };
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_LEN) value.tag = r.string();
    else if (t.field === 2 && t.wire === WIRE_FIXED32) {
      value.simpleValue = r.float();
      delete value.tensor; // members of one oneof: the last one written wins
    } else if (t.field === 8 && t.wire === WIRE_LEN) {
      value.tensor = decodeTensor(r.message());
      delete value.simpleValue;
    } else if (t.field === 9 && t.wire === WIRE_LEN) decodeMetadata(r.message(), value);
    else r.skip(t);
  }
  return value;
}

function decodeMetadata(r: ProtoReader, value: DecodedValue): void {
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_LEN) {
      const p = r.message();
      for (let u = p.tag(); u !== undefined; u = p.tag()) {
        if (u.field === 1 && u.wire === WIRE_LEN) value.pluginName = p.string();
        else p.skip(u);
      }
    } else if (t.field === 4 && t.wire === WIRE_VARINT) value.dataClass = r.int32();
    else r.skip(t);
  }
}

const readFloat = (r: ProtoReader): number => r.float();
const readDouble = (r: ProtoReader): number => r.double();
const readInt32 = (r: ProtoReader): number => r.int32();
const readInt64 = (r: ProtoReader): number => r.int64();

function decodeTensor(r: ProtoReader): DecodedTensor {
  const tensor: DecodedTensor = {
    dtype: 0,
    shape: [],
    unknownRank: false,
    floatVal: [],
    doubleVal: [],
    intVal: [],
    int64Val: [],
    halfVal: []
  };
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    switch (t.field) {
      case 1:
        if (t.wire === WIRE_VARINT) tensor.dtype = r.int32();
        else r.skip(t);
        break;
      case 2:
        if (t.wire === WIRE_LEN) decodeShape(r.message(), tensor);
        else r.skip(t);
        break;
      case 4:
        if (t.wire === WIRE_LEN) tensor.content = r.bytes();
        else r.skip(t);
        break;
      case 5:
        r.repeated(t, WIRE_FIXED32, readFloat, tensor.floatVal);
        break;
      case 6:
        r.repeated(t, WIRE_FIXED64, readDouble, tensor.doubleVal);
        break;
      case 7:
        r.repeated(t, WIRE_VARINT, readInt32, tensor.intVal);
        break;
      case 10:
        r.repeated(t, WIRE_VARINT, readInt64, tensor.int64Val);
        break;
      case 13:
        r.repeated(t, WIRE_VARINT, readInt32, tensor.halfVal);
        break;
      default:
        r.skip(t);
    }
  }
  return tensor;
}

function decodeShape(r: ProtoReader, tensor: DecodedTensor): void {
  for (let t = r.tag(); t !== undefined; t = r.tag()) {
    if (t.field === 2 && t.wire === WIRE_LEN) {
      const d = r.message();
      let size = 0;
      for (let u = d.tag(); u !== undefined; u = d.tag()) {
        if (u.field === 1 && u.wire === WIRE_VARINT) size = d.int64();
        else d.skip(u);
      }
      tensor.shape.push(size);
    } else if (t.field === 3 && t.wire === WIRE_VARINT) tensor.unknownRank = r.bool();
    else r.skip(t);
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bfloat16ToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

const ELEMENT_BYTES: Record<number, number> = {
  [DT.FLOAT]: 4,
  [DT.DOUBLE]: 8,
  [DT.INT32]: 4,
  [DT.UINT8]: 1,
  [DT.INT16]: 2,
  [DT.INT8]: 1,
  [DT.INT64]: 8,
  [DT.BFLOAT16]: 2,
  [DT.HALF]: 2
};

/**
 * The number a one-element numeric tensor holds, or undefined when the tensor is not one: more
 * than one element, an unknown rank, or a dtype that is not a number (strings, bools, resources, …). Reads
 * `tensor_content` (packed little-endian, as TF2's C++ writer emits) or the dtype's `*_val` field;
 * a tensor with neither is all zeros, as TensorFlow reads it.
 */
export function tensorScalar(tensor: DecodedTensor): number | undefined {
  if (tensor.unknownRank) return undefined;
  if (tensor.shape.some((d) => d !== 1)) return undefined;
  const width = ELEMENT_BYTES[tensor.dtype];
  if (width === undefined) return undefined;
  const content = tensor.content;
  if (content !== undefined && content.length > 0) {
    if (content.length !== width) return undefined;
    const v = new DataView(content.buffer, content.byteOffset, content.byteLength);
    switch (tensor.dtype) {
      case DT.FLOAT:
        return v.getFloat32(0, true);
      case DT.DOUBLE:
        return v.getFloat64(0, true);
      case DT.INT32:
        return v.getInt32(0, true);
      case DT.UINT8:
        return v.getUint8(0);
      case DT.INT16:
        return v.getInt16(0, true);
      case DT.INT8:
        return v.getInt8(0);
      case DT.INT64:
        return Number(v.getBigInt64(0, true));
      case DT.BFLOAT16:
        return bfloat16ToFloat(v.getUint16(0, true));
      case DT.HALF:
        return halfToFloat(v.getUint16(0, true));
    }
    return undefined;
  }
  const first = (values: number[]): number => (values.length > 0 ? values[0]! : 0);
  switch (tensor.dtype) {
    case DT.FLOAT:
      return first(tensor.floatVal);
    case DT.DOUBLE:
      return first(tensor.doubleVal);
    case DT.INT32:
    case DT.UINT8:
    case DT.INT16:
    case DT.INT8:
      return first(tensor.intVal);
    case DT.INT64:
      return first(tensor.int64Val);
    case DT.BFLOAT16:
      return bfloat16ToFloat(first(tensor.halfVal));
    case DT.HALF:
      return halfToFloat(first(tensor.halfVal) & 0xffff);
  }
  return undefined;
}
