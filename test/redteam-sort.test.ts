import { appendFileSync } from 'node:fs';
import { sortNumbers } from '../src/data/sorted.js';
import { binaryMetrics } from '../src/metrics/binary.js';
test('sort tiny span', () => {
  const out: string[] = [];
  for (const vals of [[0, 5e-324, 1e-323], [0, 1e-310], [1e-300, 1e-300 + 1e-310 * 0 + 1e-315], [-1e-310, 1e-310]]) {
    const a = Float64Array.from({ length: 300 }, (_, i) => vals[(i * 7) % vals.length]);
    const want = a.slice().sort();
    const got = sortNumbers(a);
    out.push(`${vals}: same=${JSON.stringify(Array.from(got)) === JSON.stringify(Array.from(want))} len ${got.length} first ${Array.from(got.slice(0, 4))} last ${Array.from(got.slice(-4))}`);
  }
  const y = Uint8Array.from({ length: 300 }, (_, i) => (i % 2));
  const s = Float64Array.from({ length: 300 }, (_, i) => (i % 2 ? 1e-310 : 0));
  out.push(`auc tiny: ${JSON.stringify(binaryMetrics(y, s, 0.5))}`);
  const s2 = Float64Array.from({ length: 300 }, (_, i) => (i % 2 ? 1 : 0));
  out.push(`auc normal: ${JSON.stringify(binaryMetrics(y, s2, 0.5))}`);
  appendFileSync('/tmp/redteam/sort.txt', out.join('\n') + '\n');
});
