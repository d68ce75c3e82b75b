// binOf reads the bin edges j / bins from a table (a load instead of a division per row): the
// bins must be exactly those of the formula with divisions, at every edge and its neighbours.
import { binOf } from '../../src/metrics/calibration.js';
import { rng } from '../support/rng.js';

/** The formula binOf had before the table, as the reference. */
function dividing(c: number, bins: number): number {
  let j = Math.floor(c * bins);
  if (j > bins) j = bins;
  while (j < bins && c >= (j + 1) / bins) j++;
  while (j > 0 && c < j / bins) j--;
  return j;
}

/** The doubles next to x (one ulp each way). */
function neighbours(x: number): number[] {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  const out: number[] = [];
  for (const d of [-1n, 1n]) {
    const v = new BigInt64Array([u[0] + (x >= 0 ? d : -d)]);
    out.push(new Float64Array(v.buffer)[0]);
  }
  return out;
}

test('the same bin as the dividing formula at every edge, one ulp either side, and at random points, for 1 to 40 and 254 bins', () => {
  const next = rng(1234);
  // Not -Infinity: the dividing formula never ends there (j + 1 is j), nor does binOf; it takes scores in [0, 1].
  const odd = [0, -0, 1, -1e-300, -0.5, 1.5, 2, Infinity, NaN, 5e-324, 1 - 2 ** -53];
  let checked = 0;
  // Two bin counts in turn too: the table is rebuilt when the count changes.
  for (const bins of [...Array.from({ length: 40 }, (_, i) => i + 1), 254, 15, 7, 15]) {
    const values = [...odd];
    for (let k = 0; k <= bins; k++) values.push(k / bins, ...neighbours(k / bins), (k * (1 / bins)));
    for (let r = 0; r < 200; r++) values.push(next());
    for (const c of values) {
      expect(Object.is(binOf(c, bins), dividing(c, bins))).toBe(true);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(13000);
});

test('bin counts outside the table (non-integer, zero, huge) take the dividing formula', () => {
  for (const bins of [2.5, 0, 10000]) for (const c of [0, 0.3, 0.99, 1]) expect(Object.is(binOf(c, bins), dividing(c, bins))).toBe(true);
});
