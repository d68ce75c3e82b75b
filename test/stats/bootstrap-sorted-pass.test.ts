// The bootstrap's sorted passes (bootstrap.ts sortedPasses, weighted-metrics.ts stretchSequential
// and stretchKeyed): every binary model swept down its own score order, the first with the weights
// read in order, the others with each weight hashed from the row key where it is needed, models
// prepared one at a time in one scratch. The replicates must be the ones the earlier code gave
// (gathering the weights through each model's order), bit for bit: pinned digests, recorded with
// the code of commit 2d840ff before this change (scripts as in the test below: same data, same
// digest), and the brute-force per-resample reference.
import { binaryMetrics } from '../../src/metrics/binary.js';
import { bootstrap, bootstrapReplicates, type BootstrapInput } from '../../src/stats/bootstrap.js';
import { exampleKeys, exampleKeysBy, resampleWeights } from '../../src/stats/resample-weights.js';
import { argsortDescending, prepareBinary, prepareScratch, weightedBinaryMetrics } from '../../src/stats/weighted-metrics.js';
import { rng } from '../support/rng.js';

/** The data of scripts/bench-bootstrap.mjs (its synthetic()), with its generator and seed. */
function benchData(n: number, decimals?: number): { truth: Uint8Array; cand: Float64Array; base: Float64Array } {
  const next = rng(20240611);
  const gaussian = (): number => {
    const u = next() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const truth = new Uint8Array(n);
  const cand = new Float64Array(n);
  const base = new Float64Array(n);
  const scale = decimals === undefined ? 0 : 10 ** decimals;
  for (let i = 0; i < n; i++) {
    const y = next() < 0.3 ? 1 : 0;
    truth[i] = y;
    const shared = gaussian();
    let sc = 1 / (1 + Math.exp(-((y ? 1.2 : -0.6) + 0.8 * shared + 0.6 * gaussian())));
    let sb = 1 / (1 + Math.exp(-((y ? 1.0 : -0.5) + 0.8 * shared + 0.6 * gaussian())));
    if (scale) {
      sc = Math.round(sc * scale) / scale;
      sb = Math.round(sb * scale) / scale;
    }
    cand[i] = sc;
    base[i] = sb;
  }
  return { truth, cand, base };
}

/** A digest of every bit of the doubles, in order. */
function digest(a: Float64Array): string {
  let h = 0n;
  for (const x of new BigUint64Array(a.buffer, a.byteOffset, a.length)) h = (h * 1000003n + x) & 0xffffffffffffffffn;
  return h.toString(16);
}

function input(n: number, decimals: number | undefined, ids: boolean, threads: number, resamples = 9): BootstrapInput {
  const { truth, cand, base } = benchData(n, decimals);
  return {
    task: 'binary',
    truth,
    models: [
      { name: 'candidate', predictions: cand },
      { name: 'baseline', predictions: base },
      { name: 'dummy', predictions: new Float64Array(n).fill(0.3) },
    ],
    candidate: 'candidate',
    keys: exampleKeys(ids ? Array.from({ length: n }, (_, i) => `r${i % 7000}`) : undefined, n),
    resamples,
    confidence: 0.95,
    seed: 42,
    threads,
  };
}

describe('the sorted passes give the replicates of the gathering sweep, bit for bit', () => {
  // Digests of values and estimates recorded with the gathering code (commit 2d840ff) on the same
  // inputs: distinct scores; scores to 2 decimals (many ties); ids shared by 2–3 rows (clusters).
  const pinned: [string, number | undefined, boolean, string, string][] = [
    ['distinct scores', undefined, false, '11539c7e4f3a27fe', '87e7a4c4aafaed58'],
    ['scores to 2 decimals', 2, false, '522c14c645d44a37', '2ce63a22578b2ad9'],
    ['scores to 3 decimals, shared ids', 3, true, 'ec3b8fb3bca50ba1', '1efb31b6315a1a47'],
  ];
  test.each(pinned)('%s, 20,000 rows, candidate, baseline and dummy, 9 resamples', (_, decimals, ids, values, estimates) => {
    for (const threads of [1, 2]) {
      const r = bootstrapReplicates(input(20000, decimals, ids, threads));
      expect(digest(r.values)).toBe(values);
      expect(digest(r.estimates)).toBe(estimates);
    }
  });

  test('every model after the first (weights hashed in its own order) equals the explicit-weight kernel on its ranking metrics, exactly', () => {
    const inp = input(3000, 2, true, 1, 5);
    // Put the baseline first: now the candidate is the keyed one.
    const swapped = { ...inp, models: [inp.models[1], inp.models[0], inp.models[2]] };
    const r = bootstrapReplicates(swapped);
    const S = r.metrics.length;
    const exact = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'recall_at_fpr', 'precision_at_recall'];
    for (let b = 0; b < 5; b++) {
      const w = resampleWeights(inp.keys, inp.seed, b);
      for (let m = 0; m < 3; m++) {
        const ref = weightedBinaryMetrics(inp.truth, swapped.models[m].predictions, w);
        r.metrics.forEach((name, s) => {
          const got = r.values[(b * 3 + m) * S + s];
          if (exact.includes(name)) expect(Object.is(got, ref[name]) || got === ref[name]).toBe(true);
          else expect(got).toBeCloseTo(ref[name], 12);
        });
      }
    }
  });

  test('brute force: a resample materialised (rows repeated per weight) and measured by src/metrics', () => {
    const inp = input(400, 1, false, 1, 3);
    const r = bootstrapReplicates(inp);
    const S = r.metrics.length;
    for (let b = 0; b < 3; b++) {
      const w = resampleWeights(inp.keys, inp.seed, b);
      const rows: number[] = [];
      w.forEach((k, i) => {
        for (let j = 0; j < k; j++) rows.push(i);
      });
      const y = Uint8Array.from(rows, (i) => inp.truth[i]);
      for (let m = 0; m < 2; m++) {
        const p = inp.models[m].predictions;
        const ref = binaryMetrics(y, Float64Array.from(rows, (i) => p[i]), 0.5);
        for (const name of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc']) expect(r.values[(b * 3 + m) * S + r.metrics.indexOf(name)]).toBe(ref[name]);
        for (const name of ['log_loss', 'brier']) expect(r.values[(b * 3 + m) * S + r.metrics.indexOf(name)]).toBeCloseTo(ref[name], 12);
      }
    }
  });

  test('BCa from replicates computed without the prepared models (prepared again for the jackknife) equals the one-call result', () => {
    const inp = { ...input(300, 2, false, 1, 1000), bcaMaxRows: 5000 };
    const reps = bootstrapReplicates({ ...inp, bcaMaxRows: 0 });
    expect(reps.prepared).toHaveLength(0);
    const direct = bootstrap(inp);
    expect(direct.method).toBe('bca');
    expect(bootstrap(inp, reps)).toEqual(direct);
  });
});

describe('prepareBinary with a scratch', () => {
  test.each([500, 5000])('gives the same model as without, for n = %i (comparator and radix sorts), ties and -0 included', (n) => {
    const next = rng(7 + n);
    const y = Uint8Array.from({ length: n }, () => (next() < 0.4 ? 1 : 0));
    const s = Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? -0 : i % 89 === 0 ? 0 : Math.round(next() * 300) / 300));
    const plain = prepareBinary(y, s, 0.5);
    // A larger scratch than needed, used before by other data.
    const scratch = prepareScratch(n + 100);
    prepareBinary(Uint8Array.from({ length: n + 100 }, (_, i) => i % 2), Float64Array.from({ length: n + 100 }, (_, i) => (i * 0.37) % 1), 0.5, false, { scratch });
    const viaScratch = prepareBinary(y, s, 0.5, false, { scratch });
    expect(viaScratch.order.buffer).toBe(scratch.order.buffer);
    expect(viaScratch.losses.buffer).toBe(scratch.buffer);
    for (const key of Object.keys(plain) as (keyof typeof plain)[]) {
      const a = plain[key];
      const b = viaScratch[key];
      if (ArrayBuffer.isView(a)) expect(Array.from(b as Float64Array)).toEqual(Array.from(a as Float64Array));
      else expect(b).toEqual(a);
    }
  });

  test('a scratch too small is refused', () => {
    expect(() => prepareBinary(new Uint8Array(10), new Float64Array(10).map((_, i) => i / 10), 0.5, false, { scratch: prepareScratch(5) })).toThrow(RangeError);
  });

  test('argsortDescending still orders descending with ties by row', () => {
    const v = Float64Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 101) / 100);
    const order = argsortDescending(v);
    for (let q = 1; q < v.length; q++) {
      const a = order[q - 1];
      const b = order[q];
      expect(v[a] > v[b] || (v[a] === v[b] && a < b)).toBe(true);
    }
  });
});

test('exampleKeysBy equals exampleKeys (ids, null ids, no ids)', () => {
  const ids = Array.from({ length: 50 }, (_, i) => (i % 9 === 0 ? null : `id-${i % 20}`));
  expect(exampleKeysBy(50, (i) => ids[i])).toEqual(exampleKeys(ids, 50));
  expect(exampleKeysBy(50, undefined)).toEqual(exampleKeys(undefined, 50));
});
