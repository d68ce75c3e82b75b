// One tolerance comparison for numbers checked against reference values (scikit-learn, scipy, numpy).

/**
 * Fails unless |actual − expected| ≤ tol · max(1, |expected|): relative for large values, absolute
 * below 1, so a tolerance reads the same for a probability and for a count. An expected null or NaN
 * (the reference raised or returned nan) requires NaN. `what` names the value in the failure.
 */
export function expectClose(actual: number, expected: number | null, tol = 1e-9, what = 'value'): void {
  if (expected === null || Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) throw new Error(`${what}: expected NaN, got ${actual}`);
    return;
  }
  const diff = Math.abs(actual - expected);
  if (!(diff <= tol * Math.max(1, Math.abs(expected)))) throw new Error(`${what}: expected ${expected}, got ${actual} (diff ${diff})`);
}
