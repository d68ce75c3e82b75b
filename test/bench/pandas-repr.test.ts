// The benchmark writes its files as pandas does (scripts/bench-pandas-repr.mjs). Checked here against
// pandas 1.5.3's own to_csv() text for 100,000 doubles of mixed magnitudes
// (test/bench/pandas-repr.csv.gz, written by test/bench/pandas_repr_fixture.py).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { mixedDoubles, pandasRepr } from '../../scripts/bench-pandas-repr.mjs';

const lines = gunzipSync(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'pandas-repr.csv.gz'))).toString('utf8').split('\n');

describe('pandasRepr', () => {
  it('writes 100,000 mixed doubles exactly as pandas to_csv() does, as float64 and as float32', () => {
    expect(lines[0]).toBe('i,x,x32');
    expect(lines.length).toBe(100_002); // header, rows, the final newline
    const xs = mixedDoubles(100_000);
    let nan = 0;
    let exponent = 0;
    const wrong: string[] = [];
    for (let i = 0; i < xs.length; i++) {
      const [row, text, text32] = lines[i + 1].split(',');
      if (row !== String(i)) wrong.push(`line ${i + 2}: row ${row}`);
      // The generators agree: pandas' text reads back to the very double we made.
      if (text === '') nan++;
      else if (Number(text.replace('inf', 'Infinity')) !== xs[i]) wrong.push(`line ${i + 2}: ${text} does not read back to ${xs[i]}`);
      if (text.includes('e')) exponent++;
      if (pandasRepr(xs[i]) !== text) wrong.push(`${xs[i]}: ${pandasRepr(xs[i])} ≠ pandas ${text}`);
      if (pandasRepr(xs[i], true) !== text32) wrong.push(`float32 of ${xs[i]}: ${pandasRepr(xs[i], true)} ≠ pandas ${text32}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // The mix covers what it should: NaNs (random bit patterns) and many exponent forms.
    expect(nan).toBeGreaterThan(0);
    expect(exponent).toBeGreaterThan(20_000);
  });

  it.each([
    [1e-5, '1e-05'],
    [1.5e16, '1.5e+16'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [0.0001, '0.0001'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1, '1.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [123.456, '123.456'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, ''],
  ])('%p → %p (Python repr, pandas na_rep)', (x, text) => {
    expect(pandasRepr(x)).toBe(text);
  });

  it.each([
    [1 / 3, '0.33333334'],
    [123456789, '123456790.0'],
    [16777217, '16777216.0'],
    [1.5e-45, '1e-45'],
    [3e38, '3e+38'],
    [1e39, 'inf'],
    [412356.625, '412356.62'], // an exact tie: numpy keeps the even digit
    [2472856.25, '2472856.2'],
  ])('float32 %p → %p (numpy float32 repr, from pandas 1.5.3)', (x, text) => {
    expect(pandasRepr(x, true)).toBe(text);
  });
});
