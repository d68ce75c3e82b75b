// Jest environment for test/engines/onnx-native.test.ts (picked with its @jest-environment docblock).
//
// onnxruntime-node's addon creates its output arrays in Node's main realm, while Jest runs the test, and the
// onnxruntime-common it loads, in a sandbox realm whose Float32Array is a different class; the Tensor
// constructor's instanceof check then refuses every output ("A float32 tensor's data must be type of
// Float32Array"). A plain process has one realm and no such problem. Handing the sandbox the main realm's
// typed-array classes makes the test process look like a plain one.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class MainRealmTypedArrays extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = MainRealmTypedArrays;
