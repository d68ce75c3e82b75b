// Model facts on the real fixtures, with parameter counts worked out here independently (weights.bin
// holds float32 values only, so its size / 4; and the product of the manifest shapes), and the signature
// comparison on modified copies.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareFacts, featureFindings, suggestedVersionBump } from '../../src/analysis/model-facts.js';
import { normaliseDtype, onnxFacts, tfjsFacts } from '../../src/engines/facts.js';
import { openModel } from '../../src/engines/open.js';
import type { Facts } from '../../src/types.js';
import type { FeatureOrder, ModelMeasurement, Role } from '../../src/types.js';

const fx = (...p: string[]) => path.join(process.cwd(), 'fixtures', ...p);
const load = (dir: string) => JSON.parse(readFileSync(fx(dir, 'model.json'), 'utf8'));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Parameters from the weight file's size: every weight is float32. */
const fromBytes = (dir: string) => statSync(fx(dir, 'weights.bin')).size / 4;
/** Parameters from the manifest shapes, summed here without the code under test. */
function fromManifest(json: { weightsManifest: { weights: { shape: number[] }[] }[] }): number {
  let total = 0;
  for (const g of json.weightsManifest) for (const w of g.weights) total += w.shape.reduce((a, b) => a * b, 1);
  return total;
}

describe('tfjsFacts on the fixtures', () => {
  test('layers model (penguins-sex candidate): 273 parameters, [null, 7] float32 in, one sigmoid out', () => {
    const json = load('penguins-sex/candidate');
    const facts = tfjsFacts(json, 1234);
    expect(fromBytes('penguins-sex/candidate')).toBe(fromManifest(json));
    expect(facts.parameters).toBe(fromBytes('penguins-sex/candidate'));
    expect(facts.parameters).toBe(7 * 16 + 16 + 16 * 8 + 8 + 8 * 1 + 1);
    expect(facts.fileBytes).toBe(1234);
    expect(facts.inputs).toEqual([{ name: 'dense_1_input', shape: [null, 7], dtype: 'float32' }]);
    expect(facts.outputs).toEqual([{ name: 'output', shape: [null, 1], dtype: 'float32', activation: 'sigmoid' }]);
  });

  test('graph model (penguins-species candidate-graph): 243 parameters, signature x [null, 4] → output_0 [null, 3]', () => {
    const json = load('penguins-species/candidate-graph');
    const facts = tfjsFacts(json, 0);
    expect(fromBytes('penguins-species/candidate-graph')).toBe(fromManifest(json));
    expect(facts.parameters).toBe(fromBytes('penguins-species/candidate-graph'));
    expect(facts.parameters).toBe(4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
    expect(facts.inputs).toEqual([{ name: 'x', shape: [null, 4], dtype: 'float32' }]);
    expect(facts.outputs).toEqual([{ name: 'output_0', shape: [null, 3], dtype: 'float32' }]);
  });

  test('graph model without a signature: the Placeholder nodes are the inputs', () => {
    const json = load('penguins-species/candidate-graph');
    delete json.signature;
    expect(tfjsFacts(json, 0).inputs).toEqual([{ name: 'x', shape: [null, 4], dtype: 'float32' }]);
  });

  test('functional layers model: InputLayer in, output layer without units takes the units before it', () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'f',
          layers: [
            { class_name: 'InputLayer', name: 'features', config: { name: 'features', batch_input_shape: [null, 5], dtype: 'float32' }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'logits', config: { name: 'logits', units: 3, activation: 'linear' }, inbound_nodes: [[['features', 0, 0, {}]]] },
            { class_name: 'Activation', name: 'probs', config: { name: 'probs', activation: 'softmax' }, inbound_nodes: [[['logits', 0, 0, {}]]] },
          ],
          input_layers: [['features', 0, 0]],
          output_layers: [['probs', 0, 0]],
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'logits/kernel', shape: [5, 3], dtype: 'float32' }, { name: 'logits/bias', shape: [3], dtype: 'float32' }] }],
    };
    const facts = tfjsFacts(json, 0);
    expect(facts.parameters).toBe(18);
    expect(facts.inputs).toEqual([{ name: 'features', shape: [null, 5], dtype: 'float32' }]);
    expect(facts.outputs).toEqual([{ name: 'probs', shape: [null, 3], dtype: 'float32', activation: 'softmax' }]);
  });

  test('the TF.js engine computes them at load, totalling model.json and the weight shards', async () => {
    const dir = 'penguins-sex/candidate';
    const bytes = statSync(fx(dir, 'model.json')).size + statSync(fx(dir, 'weights.bin')).size;
    const model = await openModel(fx(dir), 'candidate');
    try {
      expect(model.facts).toEqual(tfjsFacts(load(dir), bytes));
      expect(model.facts?.fileBytes).toBe(bytes);
    } finally {
      model.dispose();
    }
    const predictions = await openModel(fx('penguins-sex', 'baseline-predictions.csv'), 'baseline');
    expect(predictions.facts).toBeUndefined();
  });
});

describe('compareFacts', () => {
  const sex = () => load('penguins-sex/candidate');

  test('one more input feature: shape change, 16 more parameters, breaking', () => {
    const base = sex();
    const cand = clone(base);
    cand.modelTopology.config.layers[0].config.batch_input_shape = [null, 8];
    cand.weightsManifest[0].weights[0].shape = [8, 16];
    const b = tfjsFacts(base, 1092);
    const c = tfjsFacts(cand, 1092 + 16 * 4);
    expect(c.parameters - b.parameters).toBe(fromManifest(cand) - fromManifest(base));
    expect(compareFacts(c, b)).toEqual({
      parametersDelta: 16,
      fileBytesDelta: 64,
      signatureChanged: true,
      changes: ['input dense_1_input: shape [null, 7] → [null, 8]'],
      notes: [],
    });
    expect(suggestedVersionBump({ signatureChanged: true, anyMetricRegressed: false })).toBe('major');
  });

  test('graph model given one more signature input: added, breaking', () => {
    const base = load('penguins-species/candidate-graph');
    const cand = clone(base);
    cand.signature.inputs.mask = { name: 'mask:0', dtype: 'DT_INT32', tensorShape: { dim: [{ size: '-1' }, { size: '1' }] } };
    const cmp = compareFacts(tfjsFacts(cand, 972), tfjsFacts(base, 972));
    expect(cmp.signatureChanged).toBe(true);
    expect(cmp.changes).toEqual(['input mask added ([null, 1] int32)']);
    expect(cmp.parametersDelta).toBe(0);
    // and the other way round: removed
    expect(compareFacts(tfjsFacts(base, 0), tfjsFacts(cand, 0)).changes).toEqual(['input mask removed (was [null, 1] int32)']);
  });

  test('the same model: nothing changed', () => {
    const f = tfjsFacts(sex(), 5000);
    expect(compareFacts(f, tfjsFacts(sex(), 5000))).toEqual({ parametersDelta: 0, fileBytesDelta: 0, signatureChanged: false, changes: [], notes: [] });
  });

  test('binary sigmoid model against the 3-class softmax model: output shape and activation', () => {
    const cmp = compareFacts(tfjsFacts(load('penguins-species/candidate'), 0), tfjsFacts(sex(), 0));
    expect(cmp.changes).toEqual([
      'input dense_1_input: shape [null, 7] → [null, 4]',
      'output output: shape [null, 1] → [null, 3]',
      'output output: activation sigmoid → softmax',
      'classes changed: "FEMALE", "MALE" → "Adelie", "Chinstrap", "Gentoo"',
    ]);
    expect(cmp.parametersDelta).toBe(fromBytes('penguins-species/candidate') - fromBytes('penguins-sex/candidate'));
  });

  test('dynamic dims (null, −1, symbolic) are equal to each other, not to a fixed size; dtypes compare normalised', () => {
    const facts = (shape: (number | string | null)[], dtype = 'float32'): Facts => ({
      fileBytes: 0,
      parameters: 0,
      inputs: [{ name: 'x', shape, dtype }],
      outputs: [],
      format: 'onnx',
      bindsByName: true,
    });
    expect(compareFacts(facts([-1, 7]), facts([null, 7])).signatureChanged).toBe(false);
    expect(compareFacts(facts(['batch', 7]), facts([null, 7])).signatureChanged).toBe(false);
    expect(compareFacts(facts([null, 7], 'DT_FLOAT'), facts([null, 7], 'float32')).signatureChanged).toBe(false);
    expect(compareFacts(facts([1, 7]), facts([null, 7])).changes).toEqual(['input x: shape [null, 7] → [1, 7]']);
    expect(compareFacts(facts([null, 7, 1]), facts([null, 7])).changes).toEqual(['input x: shape [null, 7] → [null, 7, 1]']);
    expect(compareFacts(facts([null, 7], 'float64'), facts([null, 7])).changes).toEqual(['input x: dtype float32 → float64']);
  });

  test('an ONNX candidate against the TF.js baseline: another runtime (breaking); names are not compared, the shapes agree', () => {
    const onnx = onnxFacts(
      {
        parameters: 273,
        inputs: [{ name: 'input', shape: ['batch', 7], dtype: 'float' }],
        outputs: [{ name: 'output', shape: ['batch', 1], dtype: 'float32' }],
      },
      2000,
    );
    expect(onnx.inputs[0].dtype).toBe('float32');
    const cmp = compareFacts(onnx, tfjsFacts(sex(), 1500));
    expect(cmp).toEqual({
      parametersDelta: 0,
      fileBytesDelta: 500,
      signatureChanged: true,
      changes: ['format tfjs layers model → onnx (callers load it with another runtime)'],
      notes: [],
    });
  });

  test('a layers model whose last layer got another internal name: a note, not breaking, not a major version', () => {
    // The case: retrained in a fresh Keras session, the last Dense layer is named dense_2 instead of dense_1.
    const base = load('penguins-species/candidate');
    const cand = clone(base);
    const layers = cand.modelTopology.config.layers;
    layers[layers.length - 1].config.name = 'dense_2';
    if ('name' in layers[layers.length - 1]) layers[layers.length - 1].name = 'dense_2';
    const cmp = compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0));
    expect(tfjsFacts(cand, 0).outputs[0].name).toBe('dense_2');
    expect(cmp).toEqual({
      parametersDelta: 0,
      fileBytesDelta: 0,
      signatureChanged: false,
      changes: [],
      notes: ['output layer renamed output → dense_2 (not breaking: a layers model is called by position)'],
    });
    expect(suggestedVersionBump({ signatureChanged: cmp.signatureChanged, anyMetricRegressed: false })).toBe('minor');
    // Its first layer renamed too: the input is named after it ("<layer>_input"), and is no contract either.
    layers[0].config.name = 'dense_9';
    expect(compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0)).notes[0]).toBe('input layer renamed dense_1_input → dense_9_input (not breaking: a layers model is called by position)');
  });

  test('a layers model: a change of shape, of output count or of activation still breaks, whatever the names', () => {
    const base = load('penguins-species/candidate');
    const cand = clone(base);
    const last = cand.modelTopology.config.layers[cand.modelTopology.config.layers.length - 1];
    last.config.name = 'probs';
    last.config.units = 4;
    expect(compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0)).changes).toEqual(['output probs: shape [null, 3] → [null, 4]']);
    last.config.units = 3;
    last.config.activation = 'linear';
    const cmp = compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0));
    expect(cmp.changes).toEqual(['output probs: activation softmax → linear']);
    expect(cmp.signatureChanged).toBe(true);
  });

  test('ONNX binds inputs and outputs by name: a renamed output breaks (real facts of species.onnx)', async () => {
    const model = await openModel(fx('onnx', 'species.onnx'), 'candidate', { onnxRuntime: 'wasm' });
    let base: Facts;
    try {
      base = model.facts!;
    } finally {
      model.dispose();
    }
    expect(base).toMatchObject({ format: 'onnx', bindsByName: true, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    expect(base.outputs.map((o) => o.name)).toEqual(['probabilities']);
    const cand = { ...clone(base), outputs: [{ ...base.outputs[0], name: 'probs' }] };
    expect(compareFacts(cand, base)).toMatchObject({ signatureChanged: true, changes: ['output renamed probabilities → probs'], notes: [] });
  });

  test('a TF.js graph model binds its signature by name: a renamed signature output breaks', () => {
    const base = load('penguins-species/candidate-graph');
    const cand = clone(base);
    cand.signature.outputs = { probs: cand.signature.outputs.output_0 };
    const cmp = compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0));
    expect(tfjsFacts(base, 0)).toMatchObject({ format: 'tfjs graph model', bindsByName: true });
    expect(cmp.changes).toEqual(['output renamed output_0 → probs']);
  });

  test('the classes in another order break callers: each output column means another class', () => {
    const base = load('penguins-species/candidate');
    const cand = clone(base);
    cand.userDefinedMetadata['model-gate'].classes = ['Chinstrap', 'Adelie', 'Gentoo'];
    const cmp = compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0));
    expect(tfjsFacts(base, 0).classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(cmp).toMatchObject({ signatureChanged: true, changes: ['classes reordered: "Adelie", "Chinstrap", "Gentoo" → "Chinstrap", "Adelie", "Gentoo"'] });
    // Only one side naming its classes says nothing about a change.
    delete cand.userDefinedMetadata['model-gate'].classes;
    expect(compareFacts(tfjsFacts(cand, 0), tfjsFacts(base, 0)).signatureChanged).toBe(false);
  });

  test('normaliseDtype', () => {
    expect(['DT_FLOAT', 'float32', 'float', 'DT_DOUBLE', 'DT_INT64', 'int32', 'DT_BOOL', 'boolean'].map(normaliseDtype)).toEqual([
      'float32',
      'float32',
      'float32',
      'float64',
      'int64',
      'int32',
      'bool',
      'bool',
    ]);
  });
});

test('suggestedVersionBump: signature ⇒ major; else no regression ⇒ minor; else patch', () => {
  expect(suggestedVersionBump({ signatureChanged: true, anyMetricRegressed: true })).toBe('major');
  expect(suggestedVersionBump({ signatureChanged: true, anyMetricRegressed: false, anyMetricImproved: true })).toBe('major');
  expect(suggestedVersionBump({ signatureChanged: false, anyMetricRegressed: false })).toBe('minor');
  expect(suggestedVersionBump({ signatureChanged: false, anyMetricRegressed: false, anyMetricImproved: true })).toBe('minor');
  expect(suggestedVersionBump({ signatureChanged: false, anyMetricRegressed: false, anyMetricImproved: false })).toBe('patch');
  expect(suggestedVersionBump({ signatureChanged: false, anyMetricRegressed: true, anyMetricImproved: true })).toBe('patch');
  expect(suggestedVersionBump({ signatureChanged: false, anyMetricRegressed: true })).toBe('patch');
});

describe('featureFindings: the columns each model was fed', () => {
  const model = (name: string, role: Role, features?: string[], featureOrder?: FeatureOrder): ModelMeasurement => ({
    name,
    role,
    path: `${name}.onnx`,
    engine: 'onnx',
    backend: 'cpu',
    files: [],
    metrics: {},
    ...(features ? { features, featureOrder } : {}),
  });

  test('the same columns in the same order: nothing to say', () => {
    expect(featureFindings([model('candidate', 'candidate', ['a', 'b'], 'model'), model('main', 'baseline', ['a', 'b'], 'settings')])).toEqual([]);
  });

  test('fed in file order: a note on that model; against a baseline fed otherwise: a warning naming both lists', () => {
    const f = featureFindings([model('candidate', 'candidate', ['b', 'a'], 'file'), model('main', 'baseline', ['a', 'b'], 'model'), model('dummy', 'dummy')]);
    expect(f.map((x) => [x.kind, x.severity])).toEqual([
      ['feature_order', 'info'],
      ['feature_mismatch', 'warning'],
    ]);
    expect(f[1].message).toBe(
      'The candidate and "main" were fed the same columns in another order: the candidate "b", "a" (in the data file\'s column order), ' +
        '"main" "a", "b" (in the order of the model\'s own metadata). One of them is likely fed the wrong values: pin each model\'s columns with `features` or in its metadata.',
    );
  });

  test('both models name their own columns: a deliberate change, information only', () => {
    const f = featureFindings([model('candidate', 'candidate', ['a', 'b', 'c'], 'model'), model('main', 'baseline', ['a', 'b'], 'model')]);
    expect(f).toEqual([{ kind: 'feature_mismatch', severity: 'info', message: expect.stringContaining('were fed different columns: the candidate "a", "b", "c"') }]);
  });

  test('a baseline that is fed nothing (a predictions file) is not compared; names from the data are quoted and long lists shortened', () => {
    expect(featureFindings([model('candidate', 'candidate', ['a'], 'model'), model('prod', 'baseline')])).toEqual([]);
    const many = Array.from({ length: 500 }, (_, i) => `column_${i}\n::warning::x`);
    const [note] = featureFindings([model('candidate', 'candidate', many, 'file')]);
    expect(note.message).toContain('"column_0\\n::warning::x"');
    expect(note.message).toMatch(/, … and \d+ more\): neither its metadata/);
    expect(note.message.length).toBeLessThan(1500);
  });
});
