// Number formatting for the comment: readable at a glance, exact values stay in the JSON.

/** null, NaN and ±Infinity show as an em dash: "no value", never a fake number. */
export function formatValue(v: number | null | undefined, metric?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (metric === 'example_count' || metric === 'query_count' || (Number.isInteger(v) && Math.abs(v) >= 1000)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return v.toFixed(1);
  if (a >= 1) return v.toFixed(3);
  if (a >= 1e-4) return v.toFixed(4);
  return v.toExponential(2);
}

export function formatDelta(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '±0';
  return (v > 0 ? '+' : '−') + formatValue(Math.abs(v));
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const p = v * 100;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p) < 10 ? Math.abs(p).toFixed(1) : Math.abs(p).toFixed(0)} %`;
}

export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * A difference of a [0, 1] metric in percentage points, signed, one decimal: "+1.2", "−0.4". A
 * difference that one decimal would show as 0 gets two significant digits ("+0.065"): at 300,000 rows
 * such a change can be significant, and "±0.0" beside a mark would contradict it. Only 0 is "±0.0".
 */
export function formatPoints(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '±0.0';
  const p = Math.round(v * 1000) / 10;
  const sign = v > 0 ? '+' : '−';
  if (p === 0) return sign + Number(Math.abs(v * 100).toPrecision(2)).toString();
  return sign + Math.abs(p).toFixed(1);
}
