// Multiple-testing corrections of p-values, as statsmodels.stats.multitest.multipletests:
// - 'bh' (method='fdr_bh'): sort ascending, p_(i) · m / i, running minimum from the largest rank
//   down, capped at 1, returned in the input order;
// - 'bonferroni': min(p · m, 1);
// - 'none': the p-values unchanged.
// m is the number of p-values that are not NaN; NaN entries are left out of the family and come
// back as NaN (statsmodels has no NaN handling). Empty input: empty output.

export type Correction = 'bh' | 'bonferroni' | 'none';

/** Benjamini–Hochberg adjusted p-values (statsmodels multipletests(method='fdr_bh')[1]). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const out = pValues.map(() => NaN);
  const index: number[] = [];
  pValues.forEach((p, i) => {
    if (!Number.isNaN(p)) index.push(i);
  });
  // Stable sort by p; ties do not change the result.
  index.sort((a, b) => pValues[a] - pValues[b]);
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

export function adjustPValues(pValues: readonly number[], method: Correction): number[] {
  if (method === 'bh') return benjaminiHochberg(pValues);
  if (method === 'bonferroni') return bonferroni(pValues);
  return pValues.slice();
}
