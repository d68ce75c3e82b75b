// Multiple-testing corrections of p-values, as statsmodels.stats.multitest.multipletests:
// - 'bh' (method='fdr_bh'): sort ascending, p_(i) · m / i, running minimum from the largest rank
//   down, capped at 1, returned in the input order;
// - 'bonferroni': min(p · m, 1);
// - holm() (method='holm'; for the gate's family of primary metrics, not a drift-correction
//   choice): sort ascending, (m − i + 1) · p_(i), running maximum from the smallest rank up,
//   capped at 1, in the input order (Holm 1979: family-wise error at most α, and never less
//   powerful than Bonferroni);
// - 'none': the p-values unchanged.
// m is the number of p-values that are not NaN; NaN entries are left out of the family and come
// back as NaN (statsmodels has no NaN handling). Empty input: empty output.

export type Correction = 'bh' | 'bonferroni' | 'none';

/** Indices of the p-values that are not NaN, smallest p first (a stable sort: ties do not change the results). */
function byPValue(pValues: readonly number[]): number[] {
  const index: number[] = [];
  pValues.forEach((p, i) => {
    if (!Number.isNaN(p)) index.push(i);
  });
  return index.sort((a, b) => pValues[a] - pValues[b]);
}

/** Benjamini–Hochberg adjusted p-values (statsmodels multipletests(method='fdr_bh')[1]). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const out = pValues.map(() => NaN);
  const index = byPValue(pValues);
  const m = index.length;
  let running = Infinity;
  for (let rank = m; rank >= 1; rank--) {
    const i = index[rank - 1];
    const raw = pValues[i] / (rank / m);
    if (raw < running) running = raw;
    out[i] = running > 1 ? 1 : running;
  }
  return out;
}

/** Bonferroni adjusted p-values (statsmodels multipletests(method='bonferroni')[1]). */
export function bonferroni(pValues: readonly number[]): number[] {
  let m = 0;
  for (const p of pValues) if (!Number.isNaN(p)) m++;
  return pValues.map((p) => {
    const v = p * m;
    return v > 1 ? 1 : v;
  });
}

/** Holm's step-down adjusted p-values (statsmodels multipletests(method='holm')[1]). */
export function holm(pValues: readonly number[]): number[] {
  const out = pValues.map(() => NaN);
  const index = byPValue(pValues);
  const m = index.length;
  let running = 0;
  for (let rank = 1; rank <= m; rank++) {
    const i = index[rank - 1];
    const raw = (m - rank + 1) * pValues[i];
    if (raw > running) running = raw;
    out[i] = running > 1 ? 1 : running;
  }
  return out;
}

export function adjustPValues(pValues: readonly number[], method: Correction): number[] {
  if (method === 'bh') return benjaminiHochberg(pValues);
  if (method === 'bonferroni') return bonferroni(pValues);
  return pValues.slice();
}
