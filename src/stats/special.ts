// Special functions behind the drift statistics: log-gamma, the regularised incomplete gamma
// functions (chi-square p-values), erfc and the normal tails (Z-test p-values), and the
// Kolmogorov–Smirnov distributions (two-sample KS p-values). Pure functions of numbers; no I/O.
//
// Accuracy targets, checked against scipy 1.10.1 in test/stats/drift-special.test.ts
// (fixtures/reference/drift_reference.json):
// - gammaincc / gammainc: relative 1e-11 over a in [0.05, 1e4] (worst seen 2.5e-12), series for
//   P(a, x) when x < a + 1, Lentz continued fraction for Q(a, x) otherwise, the common factor
//   x^a e^−x / Γ(a) in Lanczos form (g = 7) so that it does not cancel.
// - erfc, normalSf, normalCdf: relative 1e-12 down to results near 1e-300 (worst seen 6e-14).
//   W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
//   error function", Math. Comp. 23 (1969), SPECFUN CALERF's coefficients). Like scipy (cephes), erfc
//   underflows to 0 once x² > log(DBL_MAX), i.e. x > 26.64 (normalSf(z) = 0 for z > 37.67).
// - kolmogorov, smirnov, kstwoSf: ports of scipy.special.kolmogorov / scipy.special.smirnov
//   (cephes kolmogorov.c, van Mulbregt 2018) and scipy.stats.kstwo.sf (scipy/stats/_ksstats.py,
//   Simard & L'Ecuyer 2011 method selection), relative 1e-10 (worst seen 9e-12, n = 400000).
//   scipy evaluates the Smirnov sum in double-double; here it is summed term by term in log space,
//   which loses ~n·1e-16 relative, still far inside 1e-9 for the sizes a drift check meets.
//
// Domain errors return NaN, never throw.

// ------------------------------------------------------------------ gamma

/** Lanczos approximation, g = 7, 9 terms (Godfrey): Γ(z+1) = √(2π) (z+g+½)^(z+½) e^−(z+g+½) A(z). */
const LANCZOS_G = 7;
const LANCZOS_C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
];
const LOG_SQRT_2PI = 0.91893853320467274178;
const SQRT_2PI = 2.5066282746310005024;

/** Lanczos sum A(a - 1), so that Γ(a) = √(2π) (a+g−½)^(a−½) e^−(a+g−½) A(a−1); needs a ≥ ½. */
function lanczosSum(a: number): number {
  const z = a - 1;
  let s = LANCZOS_C[0];
  for (let k = 1; k < LANCZOS_C.length; k++) s += LANCZOS_C[k] / (z + k);
  return s;
}

/** Stirling series remainder log Γ(x) − [(x−½) log x − x + log √(2π)], for x ≥ 10. */
function stirlingRemainder(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  // Bernoulli terms B_2k / (2k (2k−1) x^(2k−1)), k = 1..7.
  return (
    r *
    (1 / 12 +
      r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  );
}

/** log Γ(x) for x > 0 (log |Γ(x)| for negative non-integers); NaN for NaN, +Infinity at poles. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingRemainder(x);
  const t = x + LANCZOS_G - 0.5;
  return LOG_SQRT_2PI + (x - 0.5) * Math.log(t) - t + Math.log(lanczosSum(x));
}

/** log(1 + u) − u, accurate also for small |u|; u > −1. */
export function log1pmx(u: number): number {
  if (Math.abs(u) > 0.5) return Math.log1p(u) - u;
  // log1p(u) = 2 atanh(s), s = u / (2 + u), |s| ≤ 1/3; 2s − u = −u² / (2 + u).
  const s = u / (2 + u);
  const s2 = s * s;
  let term = s * s2;
  let sum = 0;
  for (let k = 3; k < 200; k += 2) {
    const add = term / k;
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
    term *= s2;
  }
  return -(u * u) / (2 + u) + 2 * sum;
}

/**
 * x^a e^−x / Γ(a), the common factor of both incomplete gamma series, computed without the
 * cancellation of a·log x − x − log Γ(a) (Lanczos form with log1pmx, as Boost and cephes do).
 */
function gammaPrefactor(a: number, x: number): number {
  // x^a e^−x / Γ(a) = [x^(a+1) e^−x / Γ(a+1)] · a / x, to stay where the Lanczos sum is accurate.
  if (a < 0.5) return (gammaPrefactor(a + 1, x) * a) / x;
  // x^a e^−x / Γ(a) = (x/fac)^a e^(fac−x) √fac / (√(2π) A(a−1)), fac = a + g − ½.
  const fac = a + LANCZOS_G - 0.5;
  const num = x - fac;
  const u = num / fac;
  // Near x = fac: a·log(1+u) − num = a·log1pmx(u) − num·(g−½)/fac, free of cancellation.
  // Far from it: x − fac would lose the digits of a small x, so use log(x/fac) directly.
  const logPart = Math.abs(u) < 0.5 ? a * log1pmx(u) - (num * (LANCZOS_G - 0.5)) / fac : a * Math.log(x / fac) - num;
  return (Math.exp(logPart) * Math.sqrt(fac)) / (SQRT_2PI * lanczosSum(a));
}

const GAMMA_EPS = 1e-16;
const GAMMA_MAX_ITER = 100000;

/** Series for P(a, x) = prefactor/a · Σ x^k / ((a+1)…(a+k)). */
function lowerSeries(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < GAMMA_MAX_ITER; k++) {
    term *= x / (a + k);
    sum += term;
    if (term < sum * GAMMA_EPS) break;
  }
  return (gammaPrefactor(a, x) / a) * sum;
}

/** Continued fraction for Q(a, x) (modified Lentz), valid for x > a − 1. */
function upperContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < GAMMA_MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < GAMMA_EPS) break;
  }
  return gammaPrefactor(a, x) * h;
}

/**
 * Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), as scipy.special.gammaincc:
 * a > 0, x ≥ 0; Q(a, 0) = 1, Q(a, ∞) = 0; NaN outside the domain.
 */
export function gammaincc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0) return NaN;
  if (a === 0) return x > 0 ? 0 : NaN;
  if (x === 0) return 1;
  if (a === Infinity) return x === Infinity ? NaN : 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperContinuedFraction(a, x);
}

/** Regularised lower incomplete gamma P(a, x) = 1 − Q(a, x), as scipy.special.gammainc. */
export function gammainc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0) return NaN;
  if (a === 0) return x > 0 ? 1 : NaN;
  if (x === 0) return 0;
  if (a === Infinity) return x === Infinity ? NaN : 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return lowerSeries(a, x);
  return 1 - upperContinuedFraction(a, x);
}

/** Chi-square survival function P(X ≥ x), df > 0 degrees of freedom (scipy.stats.chi2.sf). */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  return gammaincc(df / 2, x / 2);
}

// ------------------------------------------------------------------ error function, normal

const ERF_A = [3.1611237438705656, 113.86415415105016, 377.48523768530202, 3209.3775891384695, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.2368334391706];
const ERF_C = [
  0.56418849698867009, 8.8831497943883759, 66.119190637141630, 298.63513819740013, 881.95222124176909,
  1712.0476126340706, 2051.0783778260715, 1230.3393547979972, 2.1531153547440383e-8
];
const ERF_D = [
  15.744926110709835, 117.69395089131250, 537.18110186200986, 1621.3895745666902, 3290.7992357334596,
  4362.6190901432472, 3439.3676741437216, 1230.3393548037495
];
const ERF_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122925, 0.016083785148742277, 6.5874916152983780e-4,
  0.016315387137302098
];
const ERF_Q = [2.5685201922898224, 1.8729528499234605, 0.52790510295142841, 0.060518341312441319, 0.0023352049762686918];
const INV_SQRT_PI = 0.56418958354775628695;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = ERF_A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]) * z;
    den = (den + ERF_B[i]) * z;
  }
  return (x * (num + ERF_A[3])) / (den + ERF_B[3]);
}

/** cephes MAXLOG = log(DBL_MAX): erfc(y) is returned as 0 once y² exceeds it, as scipy does. */
const MAXLOG = 709.782712893384;

/** erfc(y) for y > 0.46875 (Cody's second and third intervals), with exp(−y²) split for accuracy. */
function erfcLarge(y: number): number {
  if (y * y > MAXLOG) return 0;
  let r: number;
  if (y <= 4) {
    let num = ERF_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]) * y;
      den = (den + ERF_D[i]) * y;
    }
    r = (num + ERF_C[7]) / (den + ERF_D[7]);
  } else {
    const z = 1 / (y * y);
    let num = ERF_P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + ERF_P[i]) * z;
      den = (den + ERF_Q[i]) * z;
    }
    r = (z * (num + ERF_P[4])) / (den + ERF_Q[4]);
    r = (INV_SQRT_PI - r) / y;
  }
  // exp(−y²) = exp(−ys²) · exp(−(y−ys)(y+ys)) with ys = y rounded down to 1/16: no rounding in y².
  const ys = Math.trunc(y * 16) / 16;
  const del = (y - ys) * (y + ys);
  return Math.exp(-ys * ys) * Math.exp(-del) * r;
}

/** The error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const v = 1 - erfcLarge(y);
  return x < 0 ? -v : v;
}

/** The complementary error function 1 − erf(x), accurate to ~1e-15 relative also in the far tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  const v = erfcLarge(y);
  return x < 0 ? 2 - v : v;
}

/** Standard normal upper tail P(Z ≥ z) (scipy.stats.norm.sf). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z * Math.SQRT1_2);
}

/** Standard normal CDF P(Z ≤ z) (scipy.stats.norm.cdf). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

// ------------------------------------------------------------------ Kolmogorov (limit), two-sided

const KOLMOG_CUTOVER = 0.82;
/** exp() of anything below this is 0 (cephes MIN_EXPABLE). */
const MIN_EXPABLE = -708 - 38;

/**
 * Kolmogorov's limiting distribution, survival function P(√n·D_n > x) as n → ∞
 * (scipy.special.kolmogorov, scipy.stats.kstwobign.sf). x ≤ 0 gives 1.
 */
export function kolmogorov(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x <= Math.PI / Math.sqrt(-MIN_EXPABLE * 8)) return 1;
  let sf: number;
  if (x <= KOLMOG_CUTOVER) {
    // u = e^(−π²/(8x²)), w = √(2π)/x, cdf = w·u·(1 + u⁸ + u²⁴ + u⁴⁸ + …)
    const w = SQRT_2PI / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    let cdf: number;
    if (u === 0) {
      cdf = Math.exp(logu8 / 8 + Math.log(w));
    } else {
      const u8 = Math.exp(logu8);
      const u8cub = Math.pow(u8, 3);
      let p = 1;
      p = 1 + u8cub * p;
      p = 1 + u8 * u8 * p;
      p = 1 + u8 * p;
      cdf = w * u * p;
    }
    sf = 1 - cdf;
  } else {
    // v = e^(−2x²), sf = 2(v − v⁴ + v⁹ − v¹⁶ + …)
    const v = Math.exp(-2 * x * x);
    const vsq = v * v;
    const v3 = Math.pow(v, 3);
    let p = 1;
    p = 1 - v3 * v3 * v * p;
    p = 1 - v3 * vsq * p;
    p = 1 - v3 * p;
    sf = 2 * v * p;
  }
  return Math.min(Math.max(sf, 0), 1);
}

// ------------------------------------------------------------------ Smirnov, one-sided exact

/** cephes MINLOG with denormals: log(2^−1075). */
const MINLOG = -745.1332191019412;
const SMIRNOV_MAX_COMPUTE_N = 1000000;
const DBL_EPSILON = 2.220446049250313e-16;

/** Dekker's exact product: [p, e] with p + e = a·b exactly (no FMA in JavaScript). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v; // 2^27 + 1
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, e];
}

/**
 * One-sided Kolmogorov–Smirnov (Smirnov) survival function P(D_n⁺ ≥ x) for a sample of size n
 * (scipy.special.smirnov). Exact Birnbaum–Tingey sum, evaluated term by term in log space;
 * n > 1e6 uses scipy's approximation exp(−(6nx+1)²/(18n)).
 */
export function smirnov(n: number, x: number): number {
  if (Number.isNaN(x) || !(n > 0) || !Number.isInteger(n) || x < 0 || x > 1) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  // floor(n·x) and its fractional part, exactly.
  const [p, e] = twoProduct(n, x);
  let nxfl = Math.floor(p);
  let alpha: number;
  if (nxfl === p) {
    if (e < 0) {
      nxfl -= 1;
      alpha = 1 + e;
      if (alpha === 1) {
        nxfl += 1;
        alpha = 0;
      }
    } else {
      alpha = e;
    }
  } else {
    alpha = p - nxfl + e;
    if (alpha >= 1) {
      nxfl += 1;
      alpha -= 1;
    }
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    // x ≤ 1/n: cdf = x (1 + x)^(n−1)
    const cdf = x * Math.exp((n - 1) * Math.log1p(x));
    return Math.min(Math.max(1 - cdf, 0), 1);
  }
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return Math.exp(n * Math.log1p(-x));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    return Math.exp(-Math.pow(6 * n * x + 1, 2) / 18 / n);
  }
  // Lower sum: sf = x Σ_v C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
  // Terms v = 0 … n − ⌊nx⌋ − 1 (v = n(1 − x) exactly would have 1 − x − v/n = 0).
  const nTerms = n - nxfl;
  const vmid = Math.floor(n / 2);
  let sum = Math.exp(n * Math.log1p(-x)) / x;
  // C(n, v) = cMan · 2^cExp, updated multiplicatively.
  let cMan = 1;
  let cExp = 0;
  const updateBinomial = (j: number): void => {
    cMan *= (n - j) / (j + 1);
    if (cMan > 2 ** 500) {
      cMan *= 2 ** -500;
      cExp += 500;
    } else if (cMan < 2 ** -500) {
      cMan *= 2 ** 500;
      cExp -= 500;
    }
  };
  updateBinomial(0);
  for (let v = 1; v < nTerms; v++) {
    const t1 = (p + v + e) / n; // x + v/n
    const t2 = (n - v - p - e) / n; // 1 − x − v/n
    let term = 0;
    if (t2 > 0) {
      const logTerm = Math.log(cMan) + cExp * Math.LN2 + (v - 1) * Math.log(t1) + (n - v) * Math.log(t2);
      term = Math.exp(logTerm);
    }
    if (Number.isFinite(term) && term !== 0) sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * Math.abs(term) < DBL_EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
    updateBinomial(v);
  }
  return Math.min(Math.max(x * sum, 0), 1);
}

// ------------------------------------------------------------------ kstwo: exact two-sided one-sample KS

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const LOG_2PI = Math.log(2 * Math.PI);
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2
];

function polyval(coeffs: readonly number[], x: number): number {
  let r = 0;
  for (const c of coeffs) r = r * x + c;
  return r;
}

/** log(n! / n^n) by Stirling, with n·log n removed up front. */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * polyval(STIRLING_COEFFS, rn / n);
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** Pr(D_n ≤ d) by the Durbin matrix algorithm as arranged by Marsaglia, Tsang & Wang (2003). */
function kolmognDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - Math.pow(h, j);
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  const matmul = (A: Float64Array, B: Float64Array): Float64Array<ArrayBuffer> => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const a = A[i * m + l];
        if (a === 0) continue;
        for (let j = 0; j < m; j++) C[i * m + j] += a * B[l * m + j];
      }
    }
    return C;
  };
  let Hpwr: Float64Array<ArrayBuffer> = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let Hm: Float64Array<ArrayBuffer> = H;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, Hm);
      expnt += hExpnt;
    }
    Hm = matmul(Hm, Hm);
    hExpnt *= 2;
    if (Math.abs(Hm[(k - 1) * m + (k - 1)]) > EP128) {
      for (let i = 0; i < Hm.length; i++) Hm[i] /= EP128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hpwr[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = p * 2 ** expnt;
  return clip01(p);
}

function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion (1974). */
function kolmognPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let j1 = pomeranzJ1J2(0, n, ll, ceilf, roundf)[0];
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    const [nextJ1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    j1 = nextJ1;
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = convolve(V0[k1−V0s : k1−V0s+ln2], pwrs[:ln2]); take entries conv_start … conv_start+conv_len−1.
      const base = k1 - V0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let maxV = 0;
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c;
        let s = 0;
        const lo = Math.max(0, idx - (ln2 - 1));
        const hi = Math.min(idx, ln2 - 1);
        for (let a = lo; a <= hi; a++) {
          // Slices past the end of V0 or pwrs are shorter in numpy: missing entries count as 0.
          if (base + a >= npwrs || idx - a >= npwrs) continue;
          s += V0[base + a] * pwrs[idx - a];
        }
        V1[c] = s;
        if (s > maxV) maxV = s;
      }
      if (maxV > 0 && maxV < EM128) {
        for (let c = 0; c < npwrs; c++) V1[c] *= EP128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ans * 2 ** expnt;
  return clip01(ans);
}

const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT3 = Math.sqrt(3);

/** Pelz–Good (1976) approximation to Pr(D_n ≤ x). */
function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zsquared = z ** 2;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const msquared = m ** 2;
    const mfour = m ** 4;
    const msix = m ** 6;
    const qpower = Math.pow(q, 8 * k);
    const coeffs = [
      1,
      k1a + k1b * msquared,
      k2a + k2b * msquared + k2c * mfour,
      k3a + k3b * msquared + k3c * mfour + k3d * msix
    ];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qpower + coeffs[i];
  }
  const divisors = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT_2PI) / divisors[i];
  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksq = k * k;
    const qp = Math.pow(q, ksq);
    const kspi = Math.PI * k;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
  }
  K[2] += k2extra * ((PI_SQUARED * SQRT_2PI) / (-36 * zthree));
  K[3] += k3extra * ((PI_SQUARED * SQRT_2PI) / (216 * zsix));
  for (let i = 1; i < 4; i++) K[i] /= Math.pow(n, i / 2);
  return K[0] + K[1] + K[2] + K[3];
}

/**
 * Survival function P(D_n ≥ x) of the two-sided one-sample Kolmogorov–Smirnov statistic for a
 * sample of size n (scipy.stats.kstwo.sf, scipy/stats/_ksstats.py), choosing among exact
 * (Ruben–Gambino ends, Durbin/MTW matrix, Pomeranz, 2·smirnov) and Pelz–Good as scipy does.
 * n must be a positive integer (else NaN); x ≤ 1/(2n) gives 1, x ≥ 1 gives 0.
 */
export function kstwoSf(n: number, x: number): number {
  if (Number.isNaN(n) || Number.isNaN(x)) return NaN;
  if (!Number.isInteger(n) || n <= 0) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip01(2 * smirnov(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmognDMTW(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmognPomeranz(n, x));
    return clip01(2 * smirnov(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnov(n, x));
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) cdf = kolmognDMTW(n, x);
  else cdf = kolmognPelzGood(n, x);
  return clip01(1 - clip01(cdf));
}
