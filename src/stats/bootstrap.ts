// Paired bootstrap confidence intervals for every metric of every model and for every
// candidate − baseline delta.
//
// Resampling: resample b gives example i the Poisson(1) weight derived from a hash of
// (seed, example key, b) (resample-weights.ts), shared by all models (paired). So results do
// not depend on row order or thread count, and resamples computed on several machines can be
// merged: the same inputs and seed give byte-identical numbers.
//
// Speed: each model is prepared once (rows sorted by score ONCE, loss terms precomputed;
// weighted-metrics.ts). A resample changes weights, not order. Per resample the weights are
// generated into one reusable Uint8Array (shared by all models: paired); one pass over them and
// the labels gives the weighted class totals (four rows per step); then each model costs one
// pass down its sorted order (ROC AUC and average precision at each distinct threshold, the
// confusion counts where the order crosses the decision threshold, recall_at_fpr and
// precision_at_recall at the thresholds where the totals put their limits, the calibration bins
// as runs of that order) and a pass over the loss terms (log loss, Brier; two models per pass).
// A model whose predictions are all equal (the dummy baseline) is not sorted and costs little per
// resample (binary: nothing beyond the class totals; multiclass: its row pass without the
// per-class sweeps). Nothing is sorted or allocated per resample beyond a few
// small arrays. Binary with a valid, non-constant first model (sortedPasses()): the rows are
// renumbered once in that model's descending score order, so the weights are generated in that
// order and its ranking sweep reads them sequentially; every other model keeps its row keys in
// its own score order and gets its weights generated there (the same hash, so the same weights)
// into a second buffer, then swept sequentially too. Gathering them through the model's order
// instead (a random read per row) missed the caches and the TLB at 10^7 rows: about 270 ms of
// the 290 ms a resample took. Per model the sweeps keep 1 byte of flags, 16 bytes of loss terms,
// 8 bytes of group score (one per distinct score) and, after the first, 4 bytes of row key per
// row; the models are prepared one at a time, each sorted inside its own loss and row-key arrays
// (filled only afterwards) with the order as the only scratch (4 bytes a row, 28 before), its loss
// terms written straight to their renumbered places, and its full-data estimates computed from its
// original row order (the loss sums in row order) before it is converted. The loss sums run in the
// renumbered order (last-bit differences from src/metrics' row-order sums; counts, ROC AUC, AP
// and the operating points are bit-identical; the calibration bins' score sums are added per
// group of tied scores: last bits again), as they did before the second models' weights were
// generated in their own order: the replicates are unchanged bit for bit. Put the
// candidate first. Resamples are computed two at a time so the memory-bound loss pass reads the
// loss terms once for both (bit-identical to one at a time). The per-row loops are written for
// V8 (see the notes in weighted-metrics.ts): float accumulators, few live values, warm-up first.
// Measured with scripts/bench-bootstrap.mjs (10^6 binary rows, candidate and one baseline, all
// thirteen metrics, 1000 resamples, on the project's 2-core machine, otherwise idle): 5.5 s wall
// on 2 threads, 9.9 s on 1, with distinct scores (4.25 s and 7.9 s for the nine metrics before
// calibration and the operating points were resampled: with every score distinct, their work at
// each threshold is work per row); with scores rounded to 4 decimals (--round 4, many ties)
// 3.9 s and 7.2 s (3.55 s and 6.7 s before).
//
// Threads: resamples are handed out one at a time through a shared atomic counter to the
// calling thread and threads − 1 worker_threads; every resample is computed independently and
// stored at its own index of a SharedArrayBuffer, so the result is identical for any thread
// count. The calling thread works too and then blocks (Atomics.wait) until the workers' last
// resamples are in, so bootstrap() stays synchronous. The workers are started from a code string
// (new Worker(source, { eval: true })) built from the source text of the self-contained kernel
// factories (createWeightKernels, createSweepKernels, createRunner: each references nothing
// outside its own body). That survives bundling by @vercel/ncc into one file and minification:
// there is no worker file to locate at run time, and the worker runs exactly the code the
// calling thread runs. If a worker cannot start or fails (for example under a coverage tool that
// rewrites function bodies), the calling thread computes its resamples itself: a resample a
// worker reports as failed is redone at once, and if no worker finishes anything for
// max(5 s, 50 × the calling thread's time per resample), the calling thread computes what is
// left.
//
// Intervals (intervals.ts): percentile intervals by default; BCa when the data has at most
// bcaMaxRows rows (default 5000) and there are at least 1000 resamples. BCa needs jackknife
// (leave-one-out) values: one full pass per left-out example per model, O(n²), too costly beyond
// a few thousand rows (10^12 row visits at n = 10^6). Its bias correction z0 is itself a Monte
// Carlo estimate from the replicates, too noisy with few resamples: in the coverage simulation
// (test/stats/bootstrap-coverage.test.ts, n = 400) BCa with B = 200 covered 93.0–93.7 % against
// 93.8–94.2 % for the percentile interval, and with B = 1000 94.1 %. The jackknife leaves out
// one example key at a time (rows sharing an id go together, as they do in the resamples). Where BCa is undefined for a metric (every replicate
// on one side of the estimate, constant jackknife values) that entry falls back to the
// percentile interval and says so (method: 'percentile').
//
// Undefined replicates: a metric can be undefined in a resample (ROC AUC when the resample has
// one class); such values are skipped and counted (undefinedResamples). A metric undefined on the
// full data (invalid input, one class overall) is undefined on every resample.
//
// p-value of a delta (two-sided bootstrap test of "no difference"), over the B finite replicate
// deltas δ*: p = min(1, 2 · min(1 + #{δ* <= 0}, 1 + #{δ* >= 0}) / (B + 1)). The +1 counts the
// observed data as one of the resamples, so p is never 0 (at least 2 / (B + 1)).
//
// Family p-values (input.family: the metrics and baselines that move the verdict): one-sided tests
// of "the candidate is worse", adjusted together by the single-step max-T method (Westfall & Young
// 1993, §2.6; Romano & Wolf 2005), which uses the replicates' joint distribution: correlated
// members (ROC AUC and log loss of one model) cost less power than under Bonferroni or Holm. For
// each member j: the worsening w_j (candidate − baseline, signed so that positive is worse), its
// bootstrap standard error se_j, and t_j = ŵ_j / se_j. In resample b, T*_b = max_j (w*_bj − ŵ_j) / se_j
// (the replicates centred on the estimate: the null spread). Adjusted p_j = (1 + #{T*_b ≥ t_j}) / (B + 1).
// The chance that noise alone makes any member significant at α stays near α (the false-alarm
// simulation: scripts/bench-verdicts.mjs). A member with se 0 (identical predictions) gets p = 1.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bcaInterval, bcaPValue, bootstrapPValue, finiteSorted, percentileInterval } from './intervals.js';
import { createWeightKernels, type WeightKernels } from './resample-weights.js';
import { numberDefault } from '../settings/inputs.js';
import {
  createSweepKernels,
  prepareBinary,
  prepareScratch,
  prepareMulticlass,
  preparedBinary,
  prepareRegression,
  statsFor,
  sweepKernels,
  warmUpPrepare,
  type Prepared,
  type PrepareOptions,
  type PreparedBinary,
  type SweepKernels,
} from './weighted-metrics.js';

export interface BootstrapModel {
  name: string;
  /** Binary: P(positive) per row; multiclass: row-major n×k probabilities; regression: predicted values. */
  predictions: Float64Array;
}

export interface BootstrapInput {
  task: 'binary' | 'multiclass' | 'regression';
  /** Binary: 0/1; multiclass: class index 0..k−1; regression: target values. */
  truth: Uint8Array | Int32Array | Float64Array;
  /** Number of classes (multiclass). */
  k?: number;
  models: BootstrapModel[];
  /** Name of the candidate model; every other model is a baseline. */
  candidate: string;
  /** Binary decision threshold: predicted positive when score >= threshold. Default the decision-threshold input's (0.5). */
  decisionThreshold?: number;
  /** recall_at_fpr's false-positive-rate limit (binary). Default the recall-at-fpr input's (0.01), as src/metrics. */
  maxFpr?: number;
  /** precision_at_recall's recall limit (binary). Default the precision-at-recall input's (0.9). */
  minRecall?: number;
  /** Per-row example key (exampleKeys()). */
  keys: Uint32Array;
  /** Number of resamples B; 0 turns the bootstrap off. */
  resamples: number;
  /** Confidence level in (0, 1), e.g. 0.95. */
  confidence: number;
  /** Integer in [0, 2^53). */
  seed: number;
  /** Threads to use, the calling one included. Default: up to 8 (available parallelism) when there is enough work, else 1. */
  threads?: number;
  /** BCa intervals when the data has at most this many rows (default 5000) and resamples >= 1000; 0 = percentile only. */
  bcaMaxRows?: number;
  /** The verdict's family: these metrics against these baselines get max-T adjusted one-sided p-values of "worse". */
  family?: { baselines: readonly string[]; metrics: readonly { name: string; higherIsBetter: boolean }[] };
}

export interface IntervalEntry {
  ci: [number, number];
  /** Resamples where the value was not finite (skipped); present only when > 0. */
  undefinedResamples?: number;
  /** Present only when this entry fell back to the percentile interval in a BCa result. */
  method?: 'percentile';
}

export interface DeltaEntry extends IntervalEntry {
  /** Two-sided bootstrap p-value for delta = 0. */
  pValue: number;
  /** Family members only: one-sided p-value of "the candidate is worse", max-T adjusted over the family. */
  familyPValue?: number;
}

export interface BootstrapResult {
  resamples: number;
  confidence: number;
  seed: number;
  method: 'percentile' | 'bca';
  /** model name → metric → interval. */
  metrics: Record<string, Record<string, IntervalEntry>>;
  /** baseline name → metric → interval of candidate − baseline, with p-value. */
  deltas: Record<string, Record<string, DeltaEntry>>;
}

export interface Replicates {
  models: string[];
  metrics: string[];
  resamples: number;
  /** values[(b · models.length + m) · metrics.length + s]: metric s of model m in resample b. */
  values: Float64Array;
  /** Metric values on the full data (every weight 1): estimates[m · metrics.length + s]. */
  estimates: Float64Array;
  /** Resamples computed by each thread: [0] the calling thread, then the workers. */
  resamplesByThread: number[];
}

export { exampleKeys, resampleWeights } from './resample-weights.js';

export const DEFAULT_BCA_MAX_ROWS = 5000;
/** BCa only with at least this many resamples. */
export const BCA_MIN_RESAMPLES = 1000;
// Below this many row-visits (rows × resamples × models) worker start-up costs more than it saves.
const MIN_WORK_FOR_THREADS = 2e7;

interface Plan {
  preps: Prepared[];
  /** The per-row keys mixed with the seed (an Int32Array view: int32 arithmetic in the hash loop). */
  rowKeys: Int32Array;
  /**
   * Binary with a valid model 0: rows are numbered in model 0's descending score order (rowKeys,
   * every order and loss array relabelled), so model 0's ranking sweep reads the weights
   * sequentially and only the other models gather.
   */
  relabelled: boolean;
  seedB: number;
  n: number;
  B: number;
  M: number;
  S: number;
  values: Float64Array;
}

interface Runner {
  computeOne(plan: Plan, b: number, W: Uint8Array): void;
  computeTwo(plan: Plan, b: number, W: Uint8Array, V: Uint8Array): void;
  claimLoop(plan: Plan, ctl: Int32Array, state: Int32Array, W: Uint8Array, thread: number): void;
  workerMain(data: { plan: Plan; ctl: Int32Array; state: Int32Array; thread: number }): void;
}

// Shared control words: ctl[0] is the next unclaimed resample, ctl[1] counts resamples finished
// or failed (the calling thread waits on it). state[b]: 0 not finished, 1 failed (the calling
// thread redoes it), 2 + t done by thread t (0 = the calling thread).
function createRunner(weights: WeightKernels, sweeps: SweepKernels): Runner {
  const FAILED = 1;
  const DONE = 2;

  // For the sorted passes that make their weights from row keys.
  const hash = { fill: weights.fillWeights };

  function computeOne(plan: Plan, b: number, W: Uint8Array): void {
    const salt = weights.salt(plan.seedB, b);
    const o = b * plan.M * plan.S;
    weights.fillWeights(plan.rowKeys, salt, W);
    sweeps.sweepAll(plan.preps, W, plan.values, o, hash, salt);
  }

  /** Resamples b and b + 1 together: two weight vectors, one pass over the loss terms for both. */
  function computeTwo(plan: Plan, b: number, W: Uint8Array, V: Uint8Array): void {
    const stride = plan.M * plan.S;
    const saltW = weights.salt(plan.seedB, b);
    const saltV = weights.salt(plan.seedB, b + 1);
    weights.fillWeights(plan.rowKeys, saltW, W);
    weights.fillWeights(plan.rowKeys, saltV, V);
    sweeps.sweepAllTwice(plan.preps, W, V, plan.values, b * stride, (b + 1) * stride, hash, saltW, saltV);
  }

  // Claims resamples two at a time (b, b + 1); a lone last one is computed alone. Results do
  // not depend on the pairing: each resample's numbers come from the same operations either way.
  function claimLoop(plan: Plan, ctl: Int32Array, state: Int32Array, W: Uint8Array, thread: number): void {
    weights.warmUp();
    sweeps.warmUp();
    const V = new Uint8Array(plan.n);
    for (;;) {
      const b = Atomics.add(ctl, 0, 2);
      if (b >= plan.B) return;
      const count = b + 1 < plan.B ? 2 : 1;
      try {
        if (count === 2) computeTwo(plan, b, W, V);
        else computeOne(plan, b, W);
      } catch (e) {
        for (let j = 0; j < count; j++) Atomics.store(state, b + j, FAILED);
        Atomics.add(ctl, 1, count);
        Atomics.notify(ctl, 1);
        throw e;
      }
      for (let j = 0; j < count; j++) Atomics.store(state, b + j, DONE + thread);
      Atomics.add(ctl, 1, count);
      Atomics.notify(ctl, 1);
    }
  }

  function workerMain(data: { plan: Plan; ctl: Int32Array; state: Int32Array; thread: number }): void {
    try {
      claimLoop(data.plan, data.ctl, data.state, new Uint8Array(data.plan.n), data.thread);
    } catch {
      // The failed resample is marked; the calling thread redoes it.
    }
  }

  return { computeOne, computeTwo, claimLoop, workerMain };
}

const weightKernels = createWeightKernels();
const runner = createRunner(weightKernels, sweepKernels);

const WORKER_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
const weights = (${createWeightKernels.toString()})();
const sweeps = (${createSweepKernels.toString()})();
const runner = (${createRunner.toString()})(weights, sweeps);
runner.workerMain(workerData);
`;

/** The code string each worker runs (exposed for tests of its self-containedness). */
export function workerSource(): string {
  return WORKER_SOURCE;
}

function checkInput(input: BootstrapInput): void {
  const n = input.truth.length;
  if (input.keys.length !== n) throw new RangeError(`bootstrap: ${input.keys.length} keys for ${n} rows`);
  if (!Number.isInteger(input.resamples) || input.resamples < 0) throw new RangeError(`bootstrap: resamples must be a non-negative integer, got ${input.resamples}`);
  if (!(input.confidence > 0 && input.confidence < 1)) throw new RangeError(`bootstrap: confidence must lie in (0, 1), got ${input.confidence}`);
  if (input.models.length === 0) throw new RangeError('bootstrap: no models');
  const names = new Set<string>();
  for (const m of input.models) {
    if (names.has(m.name)) throw new RangeError(`bootstrap: model name "${m.name}" appears twice`);
    names.add(m.name);
  }
  if (!names.has(input.candidate)) throw new RangeError(`bootstrap: candidate "${input.candidate}" is not among the models`);
  if (input.task === 'multiclass' && input.k === undefined) throw new RangeError('bootstrap: k is required for multiclass');
  if (input.threads !== undefined && (!Number.isInteger(input.threads) || input.threads < 1)) {
    throw new RangeError(`bootstrap: threads must be a positive integer, got ${input.threads}`);
  }
}

function prepare(input: BootstrapInput, shared: boolean, first?: PreparedBinary): Prepared[] {
  if (input.truth.length > 100000) warmUpPrepare();
  // Constant models (the dummy baseline) skip the sort and cost almost nothing per resample.
  const options = { maxFpr: input.maxFpr, minRecall: input.minRecall, constantShortcut: true };
  return input.models.map((m, i) => {
    if (i === 0 && first !== undefined) return first;
    if (input.task === 'binary') return prepareBinary(input.truth, m.predictions, input.decisionThreshold ?? numberDefault('decision-threshold'), shared, options);
    if (input.task === 'multiclass') return prepareMulticlass(input.truth, m.predictions, input.k ?? 0, shared, options);
    const y = input.truth instanceof Float64Array ? input.truth : Float64Array.from(input.truth);
    return prepareRegression(y, m.predictions, shared);
  });
}

function chooseThreads(input: BootstrapInput): number {
  if (input.threads !== undefined) return Math.max(1, Math.min(input.threads, input.resamples));
  const work = input.truth.length * input.resamples * input.models.length;
  if (work < MIN_WORK_FOR_THREADS) return 1;
  return Math.max(1, Math.min(availableParallelism(), 8, input.resamples));
}

const ignoreError = (): void => undefined;

/** Runs every resample on `threads` threads (the calling one included); returns how many each thread computed. */
function runParallel(plan: Plan, threads: number): number[] {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const state = new Int32Array(new SharedArrayBuffer(4 * plan.B));
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { plan, ctl, state, thread: t } });
      // A module-level listener: a closure made here would share this call's context, and the Worker
      // object (alive until its exit is processed) would keep the plan's arrays (GBs at 10^7 rows) alive.
      w.on('error', ignoreError);
      w.unref();
      workers.push(w);
    } catch {
      break;
    }
  }
  const W = new Uint8Array(plan.n);
  const redo = (b: number): void => {
    runner.computeOne(plan, b, W);
    Atomics.store(state, b, 2);
  };
  const started = performance.now();
  runner.claimLoop(plan, ctl, state, W, 0);
  let mine = 0;
  for (let b = 0; b < plan.B; b++) if (Atomics.load(state, b) === 2) mine++;
  const patienceMs = Math.max(5000, (50 * (performance.now() - started)) / Math.max(1, mine));
  for (;;) {
    let pending = 0;
    for (let b = 0; b < plan.B; b++) {
      const s = Atomics.load(state, b);
      if (s === 1) redo(b);
      else if (s === 0) pending++;
    }
    if (pending === 0) break;
    const seen = Atomics.load(ctl, 1);
    if (Atomics.wait(ctl, 1, seen, patienceMs) === 'timed-out') {
      for (let b = 0; b < plan.B; b++) if (Atomics.load(state, b) < 2) redo(b);
      break;
    }
  }
  for (const w of workers) {
    w.removeAllListeners();
    void w.terminate();
  }
  const perThread = new Array(threads).fill(0);
  for (let b = 0; b < plan.B; b++) perThread[Atomics.load(state, b) - 2]++;
  return perThread;
}

/**
 * Binary with a valid, non-constant first model: every model in the sorted-pass form, rows
 * renumbered in model 0's descending score order (row q is row order0[q] >>> 2 of the input).
 * Models are prepared one at a time; each one's full-data estimates are computed from the
 * prepared original (the loss sums in row order, as before the renumbering), which is then
 * converted and dropped unless `keep` (the jackknife needs them), so only one model's row-order
 * arrays exist at once. Without `keep`, each model's loss terms are written straight into their
 * renumbered places (PrepareOptions.lossesAt), with their row-order sums for the estimates: no
 * row-order copy of them. The sort works in that loss array, the model's row-key array (filled
 * after it) and the order: the only scratch is the order (4 bytes a row; 28 before). Per model the sweeps keep: the flags of its
 * order (1 byte per row), its losses in the new row order (16 bytes), its group scores, and for
 * models after the first its row keys in its own order (4 bytes: the weights are hashed there,
 * not gathered). Shared by all: the labels and the row keys in the new order (made from the
 * example keys directly: no row-order array of row keys). Undefined when model 0 is invalid or
 * constant (it is returned so the caller need not prepare it again).
 */
function sortedPasses(
  input: BootstrapInput,
  seedA: number,
  alloc: (bytes: number) => ArrayBufferLike,
  estimates: Float64Array,
  metrics: readonly string[],
  keep: boolean,
): { preps: PreparedBinary[]; rowKeys: Int32Array; originals: PreparedBinary[] } | { first: PreparedBinary } {
  const n = input.truth.length;
  const S = metrics.length;
  if (n > 100000) warmUpPrepare();
  const threshold = input.decisionThreshold ?? numberDefault('decision-threshold');
  // Without the jackknife, one scratch serves every model in turn (see PrepareOptions.scratch).
  const options = { maxFpr: input.maxFpr, minRecall: input.minRecall, constantShortcut: true, scratch: keep ? undefined : prepareScratch(n, true), sharedGroups: alloc(0) instanceof SharedArrayBuffer };
  const position = new Int32Array(n);
  const sums = new Float64Array(2);
  // A model's losses in their final (shared) array, placed by position; model 0 fills position.
  // The sort works in the model's loss array and in the row keys it will hold (filled after).
  const rowKeysOut = (): Int32Array => new Int32Array(alloc(4 * n));
  const lossesAt = (m: number, spare: Int32Array): PrepareOptions['lossesAt'] => (keep ? undefined : { position, out: new Float64Array(alloc(16 * n)), spare, sums, ownOrder: m === 0 });
  const keys = rowKeysOut();
  let first: PreparedBinary | undefined = prepareBinary(input.truth, input.models[0].predictions, threshold, false, { ...options, lossesAt: lossesAt(0, keys) });
  if (!first.valid || first.constant || n === 0) return { first: options.scratch ? prepareBinary(input.truth, input.models[0].predictions, threshold, false, { ...options, scratch: undefined }) : first };
  weightKernels.rowKeysAt(input.keys, seedA, first.order, 2, keys);
  const y = new Uint8Array(alloc(n));
  for (let q = 0; q < n; q++) {
    const v = first.order[q];
    if (keep) position[v >>> 2] = q;
    y[q] = -(v & 1) & 255;
  }
  const ones = new Uint8Array(n).fill(1);
  const preps: PreparedBinary[] = [];
  const originals: PreparedBinary[] = [];
  const logLoss = metrics.indexOf('log_loss');
  const brier = metrics.indexOf('brier');
  for (let m = 0; m < input.models.length; m++) {
    const ownKeys = m === 0 ? new Int32Array(alloc(0)) : rowKeysOut();
    const p: PreparedBinary = first ?? prepareBinary(input.truth, input.models[m].predictions, threshold, false, { ...options, lossesAt: lossesAt(m, ownKeys) });
    // Dropped once used: its row-order arrays are not kept beside the next model's.
    first = undefined;
    const ranked = p.valid && !p.constant;
    const flags = new Uint8Array(alloc(ranked ? n : 0));
    for (let q = 0; ranked && q < n; q++) flags[q] = p.order[q] & 3;
    // The full-data estimates from the original rows; every weight is 1, so the ranking sweep
    // reads the flags instead of gathering. With the losses already renumbered, the loss sums
    // are the row-order ones prepareBinary made (the sweep's own, in another order, would differ
    // in the last bits): every weight is 1, so the total is n.
    sweepKernels.sweep(ranked ? preparedBinary({ ...p, flags }) : p, ones, estimates, m * S);
    if (ranked && !keep) {
      estimates[m * S + logLoss] = sums[0] / n;
      estimates[m * S + brier] = p.brierValid ? sums[1] / n : NaN;
    }
    if (keep) originals.push(p);
    preps.push(sortedForm(p, flags, ownKeys, position, input.keys, seedA, y, alloc, !keep));
  }
  return { preps, rowKeys: keys, originals };
}

/**
 * One prepared model in the sorted-pass form (see sortedPasses). `ownKeys`: the array for its row
 * keys in its own order, empty for the first model; `placed`: its losses are already renumbered.
 */
function sortedForm(
  p: PreparedBinary,
  flags: Uint8Array,
  ownKeys: Int32Array,
  position: Int32Array,
  exampleKeys: Uint32Array,
  seedA: number,
  y: Uint8Array,
  alloc: (bytes: number) => ArrayBufferLike,
  placed: boolean,
): PreparedBinary {
  if (!p.valid) return p;
  const n = p.n;
  const shared = alloc(0) instanceof SharedArrayBuffer;
  const copy = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
    const c = (a instanceof Int32Array ? new Int32Array(alloc(a.byteLength)) : a instanceof Uint8Array ? new Uint8Array(alloc(a.byteLength)) : new Float64Array(alloc(a.byteLength))) as T;
    c.set(a);
    return c;
  };
  let losses = p.losses;
  let keys = new Int32Array(alloc(0));
  if (!p.constant) {
    if (ownKeys.length > 0) keys = weightKernels.rowKeysAt(exampleKeys, seedA, p.order, 2, ownKeys);
    if (!placed) {
      losses = new Float64Array(alloc(16 * n));
      const L = p.losses;
      for (let i = 0; i < n; i++) {
        const at = 2 * position[i];
        losses[at] = L[2 * i];
        losses[at + 1] = L[2 * i + 1];
      }
    }
  }
  return preparedBinary({
    ...p,
    order: new Int32Array(alloc(0)),
    losses,
    y,
    scores: new Float64Array(alloc(0)),
    rowSlot: new Uint8Array(alloc(0)),
    groupScore: shared && !(p.groupScore.buffer instanceof SharedArrayBuffer) ? copy(p.groupScore) : p.groupScore,
    binLast: copy(p.binLast),
    binSlot: copy(p.binSlot),
    constTerms: copy(p.constTerms),
    flags,
    keys,
  });
}

/** A copy of a prepared model whose typed arrays live in SharedArrayBuffers (same fields, same order). */
function toShared<T extends Prepared>(p: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (value instanceof Int32Array || value instanceof Float64Array || value instanceof Uint8Array) {
      const buffer = new SharedArrayBuffer(value.byteLength);
      const a = value instanceof Int32Array ? new Int32Array(buffer) : value instanceof Uint8Array ? new Uint8Array(buffer) : new Float64Array(buffer);
      a.set(value);
      copy[key] = a;
    } else copy[key] = value;
  }
  return copy as T;
}

/**
 * The replicate matrix (every metric of every model in every resample) and the full-data estimates.
 * `prepared`: the prepared models when the jackknife will need them (BCa: at most bcaMaxRows rows
 * and BCA_MIN_RESAMPLES resamples), else empty (bootstrap() prepares them again if asked).
 */
export function bootstrapReplicates(input: BootstrapInput): Replicates & { prepared: Prepared[] } {
  checkInput(input);
  const n = input.truth.length;
  const B = input.resamples;
  const threads = chooseThreads(input);
  const shared = threads > 1;
  const metrics = [...statsFor(input.task)];
  const M = input.models.length;
  const S = metrics.length;
  const keep = needsJackknife(input);
  const { a: seedA, b: seedB } = weightKernels.seedWords(input.seed);
  const alloc = (bytes: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const values = new Float64Array(alloc(8 * B * M * S));
  const estimates = new Float64Array(M * S);
  let plan: Plan;
  let prepared: Prepared[];
  const sorted = input.task === 'binary' ? sortedPasses(input, seedA, alloc, estimates, metrics, keep) : undefined;
  if (sorted !== undefined && 'preps' in sorted) {
    plan = { preps: sorted.preps, rowKeys: sorted.rowKeys, relabelled: true, seedB, n, B, M, S, values };
    prepared = sorted.originals;
  } else {
    const rowKeys = new Int32Array(alloc(4 * n));
    weightKernels.rowKeys(input.keys, seedA, new Uint32Array(rowKeys.buffer));
    // Binary models are shared below (toShared) when threads are, so the prepared originals stay private.
    const preps = prepare(input, shared && input.task !== 'binary', sorted?.first);
    const ones = new Uint8Array(n).fill(1);
    for (let m = 0; m < M; m++) sweepKernels.sweep(preps[m], ones, estimates, m * S);
    plan = { preps: shared && input.task === 'binary' ? preps.map(toShared) : preps, rowKeys, relabelled: false, seedB, n, B, M, S, values };
    prepared = keep ? preps : [];
  }
  let resamplesByThread = [B];
  if (threads > 1) resamplesByThread = runParallel(plan, threads);
  else {
    weightKernels.warmUp();
    sweepKernels.warmUp();
    const W = new Uint8Array(n);
    const V = new Uint8Array(n);
    let b = 0;
    for (; b + 1 < B; b += 2) runner.computeTwo(plan, b, W, V);
    if (b < B) runner.computeOne(plan, b, W);
  }
  return { models: input.models.map((m) => m.name), metrics, resamples: B, values, estimates, resamplesByThread, prepared };
}

/** Whether bootstrap() will compute jackknife values (BCa intervals) for this input. */
function needsJackknife(input: BootstrapInput): boolean {
  const n = input.truth.length;
  return n <= (input.bcaMaxRows ?? DEFAULT_BCA_MAX_ROWS) && n >= 3 && input.resamples >= BCA_MIN_RESAMPLES;
}

/** Jackknife values, leaving out one example key at a time: jack[(g · M + m) · S + s]. */
function jackknife(preps: Prepared[], keys: Uint32Array, S: number): { values: Float64Array; groups: number } {
  const n = keys.length;
  const byKey = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const rows = byKey.get(keys[i]);
    if (rows) rows.push(i);
    else byKey.set(keys[i], [i]);
  }
  // In key order, so the jackknife (and the sums over it) do not depend on row order.
  const groups = [...byKey.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const M = preps.length;
  const values = new Float64Array(groups.length * M * S);
  const W = new Uint8Array(n).fill(1);
  groups.forEach((rows, g) => {
    for (const i of rows) W[i] = 0;
    for (let m = 0; m < M; m++) sweepKernels.sweep(preps[m], W, values, (g * M + m) * S);
    for (const i of rows) W[i] = 1;
  });
  return { values, groups: groups.length };
}


/**
 * Paired bootstrap intervals for every metric and every candidate − baseline delta. `replicates`: this
 * input's bootstrapReplicates when the caller already has them (to use them for other statistics too).
 */
export function bootstrap(input: BootstrapInput, replicates?: ReturnType<typeof bootstrapReplicates>): BootstrapResult {
  checkInput(input);
  const { confidence, seed } = input;
  if (input.resamples === 0) return { resamples: 0, confidence, seed, method: 'percentile', metrics: {}, deltas: {} };
  const reps = replicates ?? bootstrapReplicates(input);
  const { models, metrics, values, estimates, prepared } = reps;
  const B = reps.resamples;
  const M = models.length;
  const S = metrics.length;
  const n = input.truth.length;
  const bcaMaxRows = input.bcaMaxRows ?? DEFAULT_BCA_MAX_ROWS;
  const jack = n <= bcaMaxRows && n >= 3 && B >= BCA_MIN_RESAMPLES ? jackknife(prepared.length === M ? prepared : prepare(input, false), input.keys, S) : undefined;
  const useBca = jack !== undefined && jack.groups >= 3;
  const G = jack?.groups ?? 0;

  const column = (get: (b: number) => number): Float64Array => {
    const out = new Float64Array(B);
    for (let b = 0; b < B; b++) out[b] = get(b);
    return out;
  };
  const jackColumn = (get: (g: number) => number): Float64Array => {
    const out = new Float64Array(G);
    for (let g = 0; g < G; g++) out[g] = get(g);
    return out;
  };
  // With the interval, the p-value of "no difference" that agrees with it (for deltas).
  const interval = (replicates: Float64Array, estimate: number, jackValues: (() => Float64Array) | undefined, withP = false): { entry: IntervalEntry; p: number } => {
    const { sorted, skipped } = finiteSorted(replicates);
    let entry: IntervalEntry;
    let p = withP && sorted.length > 0 ? bootstrapPValue(sorted) : NaN;
    const bca = useBca && jackValues ? bcaInterval(sorted, estimate, jackValues(), confidence) : undefined;
    if (bca) {
      entry = { ci: bca.ci };
      const q = withP ? bcaPValue(sorted, bca.z0, bca.acceleration) : NaN;
      if (!Number.isNaN(q)) p = q;
    } else {
      entry = { ci: percentileInterval(sorted, confidence) };
      if (useBca) entry.method = 'percentile';
    }
    if (skipped > 0) entry.undefinedResamples = skipped;
    return { entry, p };
  };

  const result: BootstrapResult = { resamples: B, confidence, seed, method: useBca ? 'bca' : 'percentile', metrics: {}, deltas: {} };
  for (let m = 0; m < M; m++) {
    const perMetric: Record<string, IntervalEntry> = {};
    for (let s = 0; s < S; s++) {
      const reps1 = column((b) => values[(b * M + m) * S + s]);
      perMetric[metrics[s]] = interval(reps1, estimates[m * S + s], jack && (() => jackColumn((g) => jack.values[(g * M + m) * S + s]))).entry;
    }
    result.metrics[models[m]] = perMetric;
  }
  const c = models.indexOf(input.candidate);
  for (let m = 0; m < M; m++) {
    if (m === c) continue;
    const perMetric: Record<string, DeltaEntry> = {};
    for (let s = 0; s < S; s++) {
      const deltas = column((b) => values[(b * M + c) * S + s] - values[(b * M + m) * S + s]);
      const estimate = estimates[c * S + s] - estimates[m * S + s];
      const { entry, p } = interval(deltas, estimate, jack && (() => jackColumn((g) => jack.values[(g * M + c) * S + s] - jack.values[(g * M + m) * S + s])), true);
      perMetric[metrics[s]] = { ...entry, pValue: p };
    }
    result.deltas[models[m]] = perMetric;
  }
  if (input.family !== undefined) {
    for (const [baseline, metric, p] of familyPValues(reps, c, input.family)) result.deltas[baseline][metric].familyPValue = p;
  }
  return result;
}

/** Single-step max-T adjusted one-sided p-values of "worse" for the family (see the file comment). */
export function familyPValues(reps: Replicates, candidate: number, family: NonNullable<BootstrapInput['family']>): [string, string, number][] {
  const { models, metrics, values, estimates } = reps;
  const B = reps.resamples;
  const M = models.length;
  const S = metrics.length;
  const members: { baseline: string; metric: string; w: Float64Array; estimate: number; se: number }[] = [];
  for (const baseline of family.baselines) {
    const m = models.indexOf(baseline);
    if (m < 0 || m === candidate) continue;
    for (const { name, higherIsBetter } of family.metrics) {
      const s = metrics.indexOf(name);
      if (s < 0) continue;
      const sign = higherIsBetter ? -1 : 1;
      const w = new Float64Array(B);
      let n = 0;
      let sum = 0;
      for (let b = 0; b < B; b++) {
        w[b] = sign * (values[(b * M + candidate) * S + s] - values[(b * M + m) * S + s]);
        if (Number.isFinite(w[b])) {
          n++;
          sum += w[b];
        }
      }
      const mean = sum / n;
      let ss = 0;
      for (let b = 0; b < B; b++) if (Number.isFinite(w[b])) ss += (w[b] - mean) ** 2;
      members.push({ baseline, metric: name, w, estimate: sign * (estimates[candidate * S + s] - estimates[m * S + s]), se: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN });
    }
  }
  const live = members.filter((x) => x.se > 0 && Number.isFinite(x.se) && Number.isFinite(x.estimate));
  // T*_b: the largest centred, standardised worsening in resample b (undefined replicates left out).
  const maxT = new Float64Array(B).fill(-Infinity);
  for (const x of live) {
    for (let b = 0; b < B; b++) {
      const t = (x.w[b] - x.estimate) / x.se;
      if (t > maxT[b]) maxT[b] = t;
    }
  }
  return members.map((x) => {
    if (!live.includes(x)) return [x.baseline, x.metric, 1];
    const t = x.estimate / x.se;
    let atLeast = 0;
    for (let b = 0; b < B; b++) if (maxT[b] >= t) atLeast++;
    return [x.baseline, x.metric, Math.min(1, (1 + atLeast) / (B + 1))];
  });
}
