// Number formatting for the comment: readable at a glance, exact values stay in the JSON.

/** null, NaN and ±Infinity show as an em dash: "no value", never a fake number. */
export function formatValue(v: number | null | undefined, metric?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (metric === 'example_count' || (Number.isInteger(v) && Math.abs(v) >= 1000)) return String(v);
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

/** A difference of a [0, 1] metric in percentage points, signed, one decimal: "+1.2", "−0.4". */
export function formatPoints(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const p = Math.round(v * 1000) / 10;
  if (p === 0) return '±0.0';
  return (p > 0 ? '+' : '−') + Math.abs(p).toFixed(1);
}
