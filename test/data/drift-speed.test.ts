// The faster sorting behind drift's KS and Wasserstein (data/sorted.ts): the bucket sort and the
// radix sort it falls back to must order exactly as Float64Array.prototype.sort does (the
// independent reference: -0 before +0, NaN dropped), on every kind of spread.

import { jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import { sortNumbers } from '../../src/data/sorted.js';
import { rng } from '../support/rng.js';

const show = (a: Float64Array): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
const builtin = (a: Float64Array): Float64Array => a.filter((v) => v === v).sort();

function sample(kind: string, n: number, seed: number): Float64Array {
  const next = rng(seed);
  const normal = (): number => next() + next() + next() + next() - 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = normal();
    if (kind === 'normal') out[i] = g * 3 + 1;
    else if (kind === 'lognormal') out[i] = Math.exp(6 * g);
    else if (kind === 'few distinct') out[i] = Math.round(g * 4);
    else if (kind === 'zeros of both signs') out[i] = next() < 0.3 ? (next() < 0.5 ? -0 : 0) : g;
    else if (kind === 'NaN and infinities') out[i] = next() < 0.05 ? NaN : next() < 0.01 ? (next() < 0.5 ? -Infinity : Infinity) : g;
    else if (kind === 'one far outlier') out[i] = i === 7 ? 1e300 : g;
    else if (kind === 'span overflows') out[i] = i === 3 ? -1.7e308 : i === 4 ? 1.7e308 : g;
    else if (kind === 'subnormals') out[i] = g * 5e-324 * 1e6;
    else out[i] = next() < 0.5 ? g : 1000 + g; // two clusters
  }
  return out;
}

describe('sortNumbers orders as the built-in sort does', () => {
  const kinds = ['normal', 'lognormal', 'few distinct', 'zeros of both signs', 'NaN and infinities', 'one far outlier', 'span overflows', 'subnormals', 'two clusters'];
  for (const kind of kinds) {
    test(kind, () => {
      for (const [n, seed] of [[300, 1], [5000, 2], [30_000, 3]]) {
        const values = sample(kind, n, seed);
        expect(show(sortNumbers(values))).toEqual(show(builtin(values)));
      }
    });
  }

});

describe('drift reads both samples at once', () => {
  async function stderrOf(args: string[]): Promise<[number, string]> {
    let err = '';
    const o = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
    try {
      return [await main(args, process.cwd()), err];
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  test('and still reports the reference sample first when both are missing, the current one when only it is', async () => {
    const [code, err] = await stderrOf(['drift', '--reference-data', 'no-such-reference.csv', '--current-data', 'no-such-current.csv', '-q']);
    expect(code).toBe(2);
    expect(err).toMatch(/data file not found: .*no-such-reference\.csv/);
    expect(err).not.toContain('no-such-current.csv');
    const [code2, err2] = await stderrOf(['drift', '--reference-data', 'fixtures/drift/seattle-2012.csv', '--current-data', 'no-such-current.csv', '-q']);
    expect(code2).toBe(2);
    expect(err2).toMatch(/data file not found: .*no-such-current\.csv/);
  });
});
