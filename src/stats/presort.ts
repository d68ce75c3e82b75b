// The drift tests' expensive part, done on worker threads before they run: each numeric feature's
// two samples sorted (sortNumbers) and walked together once (ecdfWalk), the results remembered
// where sortedFinite and walkOf look them up. The tests themselves then run on the calling thread
// as they always did, and give the same numbers: this only decides where the work is done.
// Sorting after reading, one whole column at a time, costs less than sorting each chunk while
// reading and merging the runs (measured: 0.65 s of CPU against 1.0 s of wall time added to the
// reading, 20 features × 2 × 500,000 values).
// Workers run code built from the source text of the two self-contained functions, as the CSV
// scanner's do. A worker that fails leaves its pairs to the calling thread.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { rememberSorted, sortNumbers, sortedFinite } from '../data/sorted.js';
import { ecdfWalk, rememberWalk, walkOf, type EcdfWalk } from './ecdf-walk.js';

/** Below this many values in all, the threads would cost more to start (~30 ms each) than they save. */
const MIN_VALUES_FOR_THREADS = 1 << 20;

const WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
const sortNumbers = ${sortNumbers.toString()};
const ecdfWalk = ${ecdfWalk.toString()};
parentPort.on("message", (d) => {
  const a = sortNumbers(d.a);
  const b = sortNumbers(d.b);
  const walk = a.length > 0 && b.length > 0 ? ecdfWalk(a, b) : null;
  parentPort.postMessage({ id: d.id, a, b, walk }, [a.buffer, b.buffer]);
});
`;

/** The code each worker runs (exposed for the test that it is self-contained). */
export function presortWorkerSource(): string {
  return WORKER_SOURCE;
}

interface Done {
  id: number;
  a: Float64Array;
  b: Float64Array;
  walk: EcdfWalk | null;
}

/**
 * Sorts both samples of every pair and walks them, on up to `threads` worker threads (default: the
 * machine's parallelism), so that sortedFinite(a), sortedFinite(b) and walkOf of the two sorted
 * arrays find their results. Small inputs are left to the calling thread, which computes them
 * when first asked.
 */
export async function presortPairs(pairs: readonly (readonly [Float64Array, Float64Array])[], threads?: number): Promise<void> {
  const total = pairs.reduce((s, [a, b]) => s + a.length + b.length, 0);
  const count = Math.min(threads ?? (total < MIN_VALUES_FOR_THREADS ? 0 : Math.min(8, availableParallelism())), pairs.length);
  if (count === 0) return;
  const left = pairs.map((_, k) => k);
  const settle = (k: number, sortedA: Float64Array, sortedB: Float64Array, walk: EcdfWalk | null): void => {
    const [a, b] = pairs[k];
    rememberSorted(a, sortedA);
    rememberSorted(b, sortedB);
    if (walk !== null) rememberWalk(sortedA, sortedB, walk);
  };
  await new Promise<void>((resolve) => {
    let running = 0;
    const send = (worker: Worker): boolean => {
      const k = left.shift();
      if (k === undefined) return false;
      // A column in shared memory (the CSV reader's) is read where it is; any other is copied and the
      // copy transferred (a clone would copy the whole buffer of a view).
      const [a, b] = pairs[k].map((v) => (v.buffer instanceof SharedArrayBuffer ? v : v.slice()));
      const copies = [a.buffer, b.buffer].filter((x): x is ArrayBuffer => x instanceof ArrayBuffer);
      worker.postMessage({ id: k, a, b }, copies);
      inFlight.set(worker, k);
      return true;
    };
    const inFlight = new Map<Worker, number>();
    const stop = (worker: Worker): void => {
      inFlight.delete(worker);
      void worker.terminate();
      if (--running === 0) resolve();
    };
    for (let t = 0; t < count; t++) {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true });
      } catch {
        break;
      }
      running++;
      worker.on('message', (d: Done) => {
        settle(d.id, d.a, d.b, d.walk);
        inFlight.delete(worker);
        if (!send(worker)) stop(worker);
      });
      // The pair it held goes back to the calling thread (below); its other pairs to the other workers.
      const failed = (): void => {
        if (!inFlight.has(worker)) return;
        left.push(inFlight.get(worker)!);
        stop(worker);
      };
      worker.on('error', failed);
      worker.on('exit', failed);
      if (!send(worker)) stop(worker);
    }
    if (running === 0) resolve();
  });
  // Whatever no worker did (none could start, or one failed): here, as the tests would have.
  for (const k of left) {
    const [a, b] = pairs[k];
    const sortedA = sortedFinite(a);
    const sortedB = sortedFinite(b);
    if (sortedA.length > 0 && sortedB.length > 0) walkOf(sortedA, sortedB);
  }
}
