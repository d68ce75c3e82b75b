// Confusion matrix as sklearn confusion_matrix(y_true, y_pred, labels=range(k)): rows are the
// true class, columns the predicted class.
//
// Degenerate cases (never throws):
// - k not a non-negative integer: [] (there is no k×k matrix to return).
// - Empty input: k×k zeros (as sklearn).
// - A pair whose true or predicted label is outside 0..k-1 is left out (as sklearn does for
//   labels not in `labels`).
// - Lengths differ, or input is non-empty but no y_true label is in 0..k-1: k×k of NaN
//   (sklearn raises).

export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, k: number): number[][] {
  if (!Number.isInteger(k) || k < 0) return [];
  const n = yTrue.length;
  const flat = new Float64Array(k * k);
  let anyTrueInRange = false;
  if (yPred.length === n) {
    for (let i = 0; i < n; i++) {
      const t = yTrue[i];
      const p = yPred[i];
      if (t < 0 || t >= k) continue;
      anyTrueInRange = true;
      if (p < 0 || p >= k) continue;
      flat[t * k + p]++;
    }
  }
  if (yPred.length !== n || (n > 0 && !anyTrueInRange)) flat.fill(NaN);
  const rows: number[][] = [];
  for (let t = 0; t < k; t++) rows.push(Array.from(flat.subarray(t * k, (t + 1) * k)));
  return rows;
}
