// The monitoring issue's memory: the last N runs, kept in a hidden block of the body (an HTML comment
// holding JSON), so the trend needs no server. Anyone with write access can edit that body, so reading it
// is defensive: the block is size-capped, every entry is validated, and whatever does not fit is dropped.

/** One monitoring run, as the issue remembers it. */
export interface HistoryEntry {
  /** When the run ended: an ISO 8601 UTC timestamp. */
  t: string;
  verdict: 'healthy' | 'degraded';
  /** The primary metrics (and those thresholds name) on the labelled data, when there was any. */
  metrics: Record<string, number>;
  /** Share of drifted features, reference against current. */
  driftShare?: number;
  /** The production model's outputs, reference against current: the KS statistic. */
  predictionDrift?: number;
}

export const HISTORY_START = '<!-- model-gate:history';
export const HISTORY_END = '-->';
/** A block longer than this is not read (an edited body may hold anything; 30 runs take a few kB). */
export const MAX_HISTORY_CHARS = 200_000;
export const MAX_HISTORY_RUNS = 1000;
/** Metrics remembered per run. */
const MAX_METRICS = 20;
const METRIC_NAME = /^[A-Za-z0-9_@.:-]{1,64}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteIn(v: unknown, lo: number, hi: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}

/** One entry as read from the body: undefined when it is not one model-gate would have written. */
export function validEntry(raw: unknown): HistoryEntry | undefined {
  if (!isRecord(raw)) return undefined;
  const { t, verdict, metrics, driftShare, predictionDrift } = raw;
  if (typeof t !== 'string' || !TIMESTAMP.test(t) || Number.isNaN(Date.parse(t))) return undefined;
  if (verdict !== 'healthy' && verdict !== 'degraded') return undefined;
  const m: Record<string, number> = {};
  if (metrics !== undefined) {
    if (!isRecord(metrics)) return undefined;
    for (const [name, value] of Object.entries(metrics)) {
      if (Object.keys(m).length >= MAX_METRICS) break;
      if (!METRIC_NAME.test(name) || name === '__proto__') continue;
      const v = finiteIn(value, -1e15, 1e15);
      if (v !== undefined) m[name] = v;
    }
  }
  const e: HistoryEntry = { t, verdict, metrics: m };
  const d = finiteIn(driftShare, 0, 1);
  if (d !== undefined) e.driftShare = d;
  const p = finiteIn(predictionDrift, 0, 1);
  if (p !== undefined) e.predictionDrift = p;
  return e;
}

/**
 * The runs remembered in an issue body, oldest first: [] when the body has no block, or a block that is too
 * long, is not JSON, or is not a list. Entries that are not valid are skipped; at most `MAX_HISTORY_RUNS`.
 */
export function parseHistory(body: string | null | undefined): HistoryEntry[] {
  if (!body) return [];
  const start = body.indexOf(HISTORY_START);
  if (start < 0) return [];
  const from = start + HISTORY_START.length;
  const end = body.indexOf(HISTORY_END, from);
  if (end < 0 || end - from > MAX_HISTORY_CHARS) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(body.slice(from, end));
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const entries = raw.slice(-MAX_HISTORY_RUNS).map(validEntry).filter((e): e is HistoryEntry => e !== undefined);
  // In time order, whatever order an edit left them in.
  return entries.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
}

/** The history after this run: the earlier runs and this one, the last `keep` of them. */
export function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry, keep: number): HistoryEntry[] {
  const all = [...history, entry];
  return keep <= 0 ? [] : all.slice(-keep);
}

/**
 * The hidden block: JSON inside an HTML comment. `<`, `>` and `--` never appear in it (they are written as
 * JSON escapes), so no value can end the comment early or open a tag.
 */
export function historyBlock(history: readonly HistoryEntry[]): string {
  const json = JSON.stringify(history.map((e) => validEntry(e)).filter((e) => e !== undefined))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/--/g, '-\\u002d');
  return `${HISTORY_START}\n${json}\n${HISTORY_END}`;
}
