// McNemar's exact test on paired correctness, as statsmodels.stats.contingency_tables.mcnemar(
// table, exact=True): with b and c the discordant counts, p = min(1, 2 · P(X <= min(b, c))) for
// X ~ Binomial(b + c, 1/2). b + c = 0 gives p = 1.
//
// The tail is computed in log space so b + c up to 10^6 and beyond neither overflows nor loses
// precision: log P(X = m) by Loader's saddle-point expansion (the algorithm behind R's dbinom:
// Stirling-series remainders and the deviance term bd0, no cancellation), then
// P(X <= m) = P(X = m) · Σ_j r_j with r_0 = 1, r_{j+1} = r_j · (m − j) / (b + c − m + j + 1),
// summed until the terms no longer change the sum. Relative error about 1e-13; a p-value below
// ~1e-308 underflows to 0.

const LN_2PI = Math.log(2 * Math.PI);
const LN_SQRT_2PI = 0.5 * LN_2PI;

/** log(n!) for small n, from the exact factorial (exact in a double up to 22!). */
function logFactorialSmall(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return Math.log(f);
}

/** Stirling-series remainder: log(n!) − ((n + 1/2) log n − n + log √(2π)), integer n >= 1. */
function stirlerr(n: number): number {
  if (n <= 15) return logFactorialSmall(n) - ((n + 0.5) * Math.log(n) - n + LN_SQRT_2PI);
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** Loader's bd0(x, np) = x log(x / np) + np − x, computed without cancellation. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/** log P(X = x) for X ~ Binomial(n, 1/2), integers 0 <= x <= n. */
export function logBinomialHalfPmf(x: number, n: number): number {
  if (x === 0 || x === n) return -n * Math.LN2;
  const half = n / 2;
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, half) - bd0(n - x, half);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

/** log P(X <= m) for X ~ Binomial(n, 1/2), 0 <= m <= n/2. */
function logLowerTail(m: number, n: number): number {
  let sum = 1;
  let r = 1;
  for (let j = 0; j < m; j++) {
    r *= (m - j) / (n - m + j + 1);
    const next = sum + r;
    if (next === sum) break;
    sum = next;
  }
  return logBinomialHalfPmf(m, n) + Math.log(sum);
}

export interface McNemarResult {
  /** Pairs the candidate got right and the baseline wrong. */
  b: number;
  /** Pairs the candidate got wrong and the baseline right. */
  c: number;
  /** Exact two-sided p-value. */
  pValue: number;
}

/** The exact McNemar p-value from the discordant counts. */
export function mcnemarExactCounts(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`discordant counts must be non-negative integers, got ${b} and ${c}`);
  const n = b + c;
  if (n === 0) return { b, c, pValue: 1 };
  const m = Math.min(b, c);
  // P(X <= n/2) >= 1/2, so the doubled tail is 1 once m reaches n/2.
  if (2 * m >= n) return { b, c, pValue: 1 };
  const p = 2 * Math.exp(logLowerTail(m, n));
  return { b, c, pValue: Math.min(1, p) };
}

/**
 * McNemar's exact test on per-example correctness (1 = right, 0 = wrong) of two models on the
 * same examples. Values other than 0 count as right.
 */
export function mcnemarExact(candidateCorrect: Uint8Array, baselineCorrect: Uint8Array): McNemarResult {
  if (candidateCorrect.length !== baselineCorrect.length) {
    throw new RangeError(`mcnemarExact: ${candidateCorrect.length} and ${baselineCorrect.length} examples`);
  }
  let b = 0;
  let c = 0;
  for (let i = 0; i < candidateCorrect.length; i++) {
    const cand = candidateCorrect[i] !== 0;
    const base = baselineCorrect[i] !== 0;
    if (cand && !base) b++;
    else if (!cand && base) c++;
  }
  return mcnemarExactCounts(b, c);
}
