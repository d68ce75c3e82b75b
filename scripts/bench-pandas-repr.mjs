// Numbers as users write them: a double printed the way pandas' DataFrame.to_csv() prints it with
// its defaults (numpy's repr: the shortest digits that read back to the same double, exponent form
// below 1e-4 and from 1e16 with at least two exponent digits, `inf`/`-inf`, NaN as an empty cell).
// Checked against real pandas output by test/bench/pandas-repr.test.ts.

/**
 * `x` as pandas `to_csv` writes a float64 cell by default; with `float32`, as it writes a float32
 * column's cell (the shortest digits that read back to the same float32, e.g. 0.33333334).
 */
export function pandasRepr(x, float32 = false) {
  if (Number.isNaN(x)) return '';
  const v = float32 ? shortestFloat32(x) : x;
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits, as repr does.
  const [mantissa, exp] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const a = Math.abs(e);
    return `${sign}${m}e${e < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.length > e + 1 ? digits.slice(0, e + 1) : digits + '0'.repeat(e + 1 - digits.length);
  const frac = digits.length > e + 1 ? digits.slice(e + 1) : '0';
  return `${sign}${whole}.${frac}`;
}

/**
 * The double holding the shortest decimal that reads back to float32(x): toPrecision(k) is the
 * nearest k-digit decimal, so the first k that round-trips gives numpy's float32 repr digits. On an
 * exact tie toPrecision rounds away from zero where numpy (Dragon4) keeps the even digit.
 */
function shortestFloat32(x) {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let k = 1; k <= 9; k++) {
    const d = Number(f.toPrecision(k));
    if (Math.fround(d) === f) return evenOnTie(f, k, d);
  }
  return f;
}

function evenOnTie(f, k, rounded) {
  // The exact decimal expansion of f (a float32 has at most ~112 significant digits, well within 100 for ties).
  const [m, e] = Math.abs(f).toExponential(99).split('e');
  const exact = (m[0] + m.slice(2)).replace(/0+$/, '');
  if (exact.length !== k + 1 || !exact.endsWith('5') || Number(exact[k - 1]) % 2 !== 0) return rounded;
  const low = exact.slice(0, k);
  const down = Math.sign(f) * Number(`${low[0]}.${low.slice(1)}e${e}`);
  return Math.fround(down) === f ? down : rounded;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * splitmix64, the same in test/bench/pandas_repr_fixture.py, so the fixture need not hold the
 * doubles themselves: only pandas' text for each.
 */
export function splitmix64(seed) {
  let s = BigInt(seed) & MASK64;
  return () => {
    s = (s + 0x9e3779b97f4a7c15n) & MASK64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
}

const view = new DataView(new ArrayBuffer(8));
const fromBits = (b) => {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
};
const BOUNDARIES = [1e-4, 1e-5, 1e15, 1e16, 1e17, 1e-3, 1];

/**
 * The i-th of `n` doubles of mixed magnitudes: any bit pattern (subnormals, NaN, inf), uniform
 * [0, 1), uniform scaled by 10^k, short decimals, values around the exponent-form boundaries,
 * integers, subnormals, negatives. Every step is one IEEE operation, so Python gives the same bits.
 */
export function mixedDoubles(n, seed = 14) {
  const next = splitmix64(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    const kind = Number(r & 7n);
    const u = Number(r >> 11n) / 2 ** 53;
    const s = next();
    switch (kind) {
      case 0: out[i] = fromBits(s); break;
      case 1: out[i] = u; break;
      case 2: out[i] = u * Number(`1e${Number(s % 31n) - 10}`); break;
      case 3: out[i] = Number(s % 10000000n) / Number(`1e${Number((s >> 32n) % 8n)}`); break;
      case 4: out[i] = BOUNDARIES[Number(s % 7n)] * (0.5 + u); break;
      case 5: out[i] = Number(s >> 11n); break;
      case 6: out[i] = fromBits(s & ((1n << 52n) - 1n)); break;
      default: out[i] = -u * Number(`1e${Number(s % 41n) - 20}`);
    }
  }
  return out;
}
