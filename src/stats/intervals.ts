// Bootstrap confidence intervals from replicate values: percentile and BCa, as scipy.stats.bootstrap
// (scipy 1.10) defines them, plus the standard normal CDF and quantile they need.
//
// - Percentile: numpy.percentile(values, [100·α/2, 100·(1 − α/2)]) with numpy's default 'linear'
//   method (Hyndman & Fan 7), α = 1 − confidence, on the finite replicate values.
// - BCa (Efron & Tibshirani 14.3, 15.4; scipy's _bca_interval):
//     z0 = Φ⁻¹( (#{θ* < θ̂} + #{θ* ≤ θ̂}) / (2B) )
//     U_i = (J − 1)(mean(θ_(·)) − θ_(i)) over the J jackknife values θ_(i)
//     a  = (Σ U_i³ / J³) / (6 (Σ U_i² / J²)^(3/2))
//     α₁ = Φ(z0 + (z0 + z_{α/2}) / (1 − a (z0 + z_{α/2}))),  α₂ likewise with z_{1−α/2}
//     interval = numpy.percentile(θ*, [100 α₁, 100 α₂])
//   Undefined (returns undefined, the caller falls back to the percentile interval) when z0 is
//   infinite (every replicate on one side of θ̂), the jackknife values are constant or not
//   finite, a level lies past the formula's pole (1 − a (z0 ± z) ≤ 0: the interval would come
//   out inverted), or α₁, α₂ come out NaN.
// - p-values of "no difference": the percentile one (bootstrapPValue) and the one that agrees with
//   a BCa interval (bcaPValue), so that a delta's p-value and the interval shown beside it agree.
//
// Φ is computed from erf by its everywhere-convergent series (|z| < 2.5) and erfc by its
// continued fraction (|z| >= 2.5), relative error about 1e-15; Φ⁻¹ refines Acklam's rational
// approximation with Halley steps against that Φ, absolute error about 1e-15 in the centre.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** erf(z) for 0 <= z < ~3 by 2/√π e^{-z²} Σ 2ⁿ z^{2n+1} / (1·3·…·(2n+1)) (all terms positive). */
function erfSeries(z: number): number {
  const z2 = 2 * z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= z2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
}

/** erfc(z) for z >= 2.5 by the continued fraction 1 / (z + (1/2) / (z + 1 / (z + (3/2) / (z + …)))), modified Lentz. */
function erfcFraction(z: number): number {
  const tiny = 1e-300;
  let f = z;
  let C = f;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = z + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = z + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (delta - 1 < 1e-16 && 1 - delta < 1e-16) break;
  }
  return (Math.exp(-z * z) * INV_SQRT_PI) / f;
}

/** Standard normal CDF Φ(x) (scipy.special.ndtr). */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const z = Math.abs(x) * Math.SQRT1_2;
  if (z < 2.5) {
    const e = erfSeries(z);
    return x >= 0 ? 0.5 + 0.5 * e : 0.5 - 0.5 * e;
  }
  if (z > 38.6) return x > 0 ? 1 : 0;
  const c = erfcFraction(z);
  return x >= 0 ? 1 - 0.5 * c : 0.5 * c;
}

/** Standard normal quantile Φ⁻¹(p) (scipy.special.ndtri): −∞ at 0, +∞ at 1, NaN outside [0, 1]. */
export function normQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normQuantile(1 - p); // 1 − p is exact for p >= 0.5
  // Acklam's approximation (relative error 1.15e-9), lower half.
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q +
        2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r +
        2.506628277459239) *
        q) /
      (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1);
  }
  // Halley steps on Φ(x) − p = 0.
  for (let i = 0; i < 3; i++) {
    const e = normCdf(x) - p;
    if (e === 0) break;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

/**
 * numpy.percentile(sorted, q) with the default 'linear' method, for values sorted ascending
 * (numpy's own arithmetic: virtual index (n − 1)·q/100, numpy's _lerp). NaN when empty.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  const v = (n - 1) * (q / 100);
  if (v >= n - 1) return sorted[n - 1];
  if (v < 0) return sorted[0];
  const lo = Math.floor(v);
  const t = v - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Finite values, sorted ascending, and how many were left out for not being finite. */
export function finiteSorted(values: ArrayLike<number>): { sorted: Float64Array; skipped: number } {
  // v - v is 0 exactly when v is finite (NaN for NaN and ±Infinity); no global lookup in the loop.
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) m++;
  const sorted = new Float64Array(m);
  for (let i = 0, j = 0; i < values.length; i++) if (values[i] - values[i] === 0) sorted[j++] = values[i];
  sorted.sort();
  return { sorted, skipped: values.length - m };
}

/** The percentile interval at this confidence from finite replicate values sorted ascending. */
export function percentileInterval(sorted: ArrayLike<number>, confidence: number): [number, number] {
  const alpha = (1 - confidence) / 2;
  return [percentileSorted(sorted, alpha * 100), percentileSorted(sorted, (1 - alpha) * 100)];
}

export interface BcaResult {
  ci: [number, number];
  /** Bias correction z0. */
  z0: number;
  /** Acceleration a. */
  acceleration: number;
  /** The percentile levels (fractions) the interval is read at. */
  levels: [number, number];
}

/** scipy's _percentile_of_score: (#{x < score} + #{x <= score}) / (2B). */
export function percentileOfScore(sorted: ArrayLike<number>, score: number): number {
  let below = 0;
  let atMost = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] < score) below++;
    if (sorted[i] <= score) atMost++;
  }
  return (below + atMost) / (2 * sorted.length);
}

/** BCa acceleration from jackknife values; NaN when they are constant or not all finite. */
export function jackknifeAcceleration(jackknife: ArrayLike<number>): number {
  const J = jackknife.length;
  if (J < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < J; i++) mean += jackknife[i];
  mean /= J;
  let num = 0;
  let den = 0;
  for (let i = 0; i < J; i++) {
    const u = (J - 1) * (mean - jackknife[i]);
    num += u * u * u;
    den += u * u;
  }
  num /= J ** 3;
  den /= J ** 2;
  const a = num / (6 * den ** 1.5);
  return Number.isFinite(a) ? a : NaN;
}

/**
 * The BCa interval from finite replicate values sorted ascending, the full-data estimate and the
 * jackknife (leave-one-out) values. undefined when BCa is undefined for these inputs.
 */
export function bcaInterval(sorted: ArrayLike<number>, estimate: number, jackknife: ArrayLike<number>, confidence: number): BcaResult | undefined {
  if (sorted.length === 0 || !Number.isFinite(estimate)) return undefined;
  const z0 = normQuantile(percentileOfScore(sorted, estimate));
  if (!Number.isFinite(z0)) return undefined;
  const a = jackknifeAcceleration(jackknife);
  if (Number.isNaN(a)) return undefined;
  const alpha = (1 - confidence) / 2;
  const zAlpha = normQuantile(alpha);
  const num1 = z0 + zAlpha;
  const num2 = z0 - zAlpha;
  // Past the formula's pole the levels swap sides and the "interval" comes out inverted: no BCa.
  if (!(1 - a * num1 > 0 && 1 - a * num2 > 0)) return undefined;
  const alpha1 = normCdf(z0 + num1 / (1 - a * num1));
  const alpha2 = normCdf(z0 + num2 / (1 - a * num2));
  if (Number.isNaN(alpha1) || Number.isNaN(alpha2)) return undefined;
  return {
    ci: [percentileSorted(sorted, alpha1 * 100), percentileSorted(sorted, alpha2 * 100)],
    z0,
    acceleration: a,
    levels: [alpha1, alpha2],
  };
}

/**
 * The two-sided p-value that goes with a BCa interval: 2 × the smallest one-sided level at which a
 * BCa endpoint reaches 0, so that p < 1 − confidence exactly when the BCa interval at that
 * confidence excludes 0. Where an endpoint reaches 0 is read off the replicates as
 * percentileSorted reads them (linear between neighbours), and mapped back to a level through the
 * BCa formula:  q = Φ(z0 + t / (1 − a t)), t = z0 + z_level  ⇒  t = w / (1 + a w), w = Φ⁻¹(q) − z0.
 * With z0 = a = 0 it is within 2 / B of bootstrapPValue. Never below 2 / (B + 1), the least that
 * one can be.
 */
export function bcaPValue(sorted: ArrayLike<number>, z0: number, a: number): number {
  const B = sorted.length;
  if (B < 2) return NaN;
  // The level whose endpoint sits at quantile q of the replicates.
  const level = (q: number): number => {
    if (q <= 0) return 0;
    if (q >= 1) return 1;
    const w = normQuantile(q) - z0;
    // Past the map's pole no level reaches q: every level's endpoint lies above it (w < 0) or below.
    if (!(1 + a * w > 0)) return w < 0 ? 0 : 1;
    return normCdf(w / (1 + a * w) - z0);
  };
  // The lower endpoint is > 0 exactly at quantiles above qHigh; the upper one < 0 below qLow.
  let last = -1; // last index with a replicate ≤ 0
  while (last + 1 < B && sorted[last + 1] <= 0) last++;
  let first = 0; // first index with a replicate ≥ 0
  while (first < B && sorted[first] < 0) first++;
  const crossing = (i: number): number => (i + (0 - sorted[i]) / (sorted[i + 1] - sorted[i])) / (B - 1);
  const qHigh = last < 0 ? 0 : last === B - 1 ? 1 : sorted[last] === 0 ? last / (B - 1) : crossing(last);
  const qLow = first === B ? 1 : first === 0 ? 0 : sorted[first] === 0 ? first / (B - 1) : crossing(first - 1);
  const lower = last < 0 ? 0 : level(qHigh);
  const upper = first === B ? 0 : 1 - level(qLow);
  const p = 2 * Math.min(lower, upper);
  return Number.isNaN(p) ? NaN : Math.min(1, Math.max(p, 2 / (B + 1)));
}

/**
 * Two-sided bootstrap p-value for "no difference" from the resampled deltas, with the +1
 * correction: min(1, 2·min(1 + #{δ ≤ 0}, 1 + #{δ ≥ 0}) / (B + 1)).
 */
export function bootstrapPValue(deltas: ArrayLike<number>): number {
  let atMost = 0;
  let atLeast = 0;
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i] <= 0) atMost++;
    if (deltas[i] >= 0) atLeast++;
  }
  return Math.min(1, (2 * Math.min(1 + atMost, 1 + atLeast)) / (deltas.length + 1));
}
