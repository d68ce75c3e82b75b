import { appendFileSync } from 'node:fs';
import { binaryMetrics } from '../src/metrics/binary.js';
import { bootstrapReplicates, type BootstrapInput } from '../src/stats/bootstrap.js';
import { exampleKeys, resampleWeights } from '../src/stats/resample-weights.js';
import { rng } from './support/rng.js';

test('random brute force', () => {
  const next = rng(4242);
  const bad: string[] = []; let compared = 0;
  for (let t = 0; t < 60 && bad.length < 10; t++) {
    const n = 5 + Math.floor(next() * 200);
    const levels = [0, 0.5, 1, -0, 0.25, 0.75, 0.1, 0.9];
    const kind = t % 4;
    const gen = () => (kind === 0 ? levels[Math.floor(next() * levels.length)] : kind === 1 ? Math.round(next() * 10) / 10 : kind === 2 ? next() : (next() < 0.5 ? 0.5 : next()));
    const truth = Uint8Array.from({ length: n }, () => (next() < 0.3 ? 1 : 0));
    if (t % 7 === 0) truth.fill(0);
    const cand = Float64Array.from({ length: n }, gen);
    const base = t % 5 === 0 ? cand.slice() : Float64Array.from({ length: n }, gen);
    const ids = t % 3 === 0 ? Array.from({ length: n }, (_, i) => `r${i % 11}`) : undefined;
    const inp: BootstrapInput = {
      task: 'binary', truth,
      models: [{ name: 'candidate', predictions: cand }, { name: 'baseline', predictions: base }, { name: 'dummy', predictions: new Float64Array(n).fill(0.3) }],
      candidate: 'candidate', keys: exampleKeys(ids, n), resamples: 4, confidence: 0.95, seed: 7 + t, threads: t % 2 ? 2 : 1, bcaMaxRows: 0,
    };
    const r = bootstrapReplicates(inp);
    const S = r.metrics.length;
    for (let b = 0; b < 4; b++) {
      const w = resampleWeights(inp.keys, inp.seed, b);
      const rows: number[] = [];
      w.forEach((k, i) => { for (let j = 0; j < k; j++) rows.push(i); });
      const y = Uint8Array.from(rows, (i) => truth[i]);
      for (let m = 0; m < 3; m++) {
        const p = inp.models[m].predictions;
        let ref: Record<string, number>;
        try { ref = binaryMetrics(y, Float64Array.from(rows, (i) => p[i]), 0.5) as Record<string, number>; } catch (e) { continue; }
        for (const name of r.metrics) {
          if (!(name in ref)) continue;
          compared++;
          const got = r.values[(b * 3 + m) * S + S * 0 + r.metrics.indexOf(name)];
          const want = ref[name];
          const ok = Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || (Number.isFinite(want) && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)));
          if (!ok) bad.push(`t=${t} kind=${kind} n=${n} b=${b} m=${m} ${name}: ${got} vs ${want}`);
        }
      }
    }
  }
  appendFileSync("/tmp/redteam/boot.txt", `compared ${compared}\n` + bad.join("\n") + "\n");
  expect(bad.slice(0, 10)).toEqual([]);
});
