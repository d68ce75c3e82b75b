// Regression metrics, each defined as scikit-learn 1.2.1 defines it.
//
// Degenerate cases (never throws):
// - Invalid input — lengths differ, a non-finite value — every metric NaN except example_count
//   (sklearn's check_array raises).
// - Empty input: every metric NaN, example_count 0 (sklearn raises on 0 samples).
// - r2 with n < 2: NaN (sklearn warns and returns nan). Constant y_true: 1.0 when predictions
//   are perfect, else 0.0 (sklearn's force_finite=True default). "Constant" is tested directly
//   (all values identical) so a rounding error in the mean cannot turn it into a huge negative.
// - mape divides by max(|y|, float64 eps) like sklearn, so a zero target with a non-zero error
//   gives a very large finite value (~4.5e15 per unit of error), not Infinity.

export const REGRESSION_METRICS = ['mae', 'mse', 'rmse', 'r2', 'mape', 'max_error', 'example_count'] as const;

/** np.finfo(np.float64).eps, sklearn's floor for |y_true| in mape. */
const FLOAT64_EPS = 2.220446049250313e-16;

function allNaN(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of REGRESSION_METRICS) out[key] = NaN;
  out.example_count = n;
  return out;
}

export function regressionMetrics(yTrue: Float64Array, yPred: Float64Array): Record<string, number> {
  const n = yTrue.length;
  if (n === 0 || yPred.length !== n) return allNaN(n);

  let absSum = 0;
  let sqSum = 0;
  let apeSum = 0;
  let maxError = 0;
  let ySum = 0;
  let constant = true;
  const y0 = yTrue[0];
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    const p = yPred[i];
    if (!Number.isFinite(y) || !Number.isFinite(p)) return allNaN(n);
    const e = Math.abs(y - p);
    absSum += e;
    sqSum += e * e;
    apeSum += e / Math.max(Math.abs(y), FLOAT64_EPS);
    if (e > maxError) maxError = e;
    ySum += y;
    if (y !== y0) constant = false;
  }

  let r2 = NaN;
  if (n >= 2) {
    const mean = ySum / n;
    let ssTot = 0;
    if (!constant) {
      for (let i = 0; i < n; i++) {
        const d = yTrue[i] - mean;
        ssTot += d * d;
      }
    }
    if (sqSum === 0) r2 = 1;
    else if (ssTot === 0) r2 = 0;
    else r2 = 1 - sqSum / ssTot;
  }

  const mse = sqSum / n;
  return {
    mae: absSum / n,
    mse,
    rmse: Math.sqrt(mse),
    r2,
    mape: apeSum / n,
    max_error: maxError,
    example_count: n,
  };
}
