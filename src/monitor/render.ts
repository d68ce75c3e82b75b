// The monitoring issue's body and its closing comment, from one run's result and the remembered runs: the
// verdict and why, a trend table, and a mermaid line chart GitHub draws with no hosting. Pure.

import { formatValue } from '../report/format.js';
import { escapeMarkdown } from '../report/escape.js';
import { historyBlock, type HistoryEntry } from './history.js';
import type { MonitorResult } from './result.js';

export interface RenderOptions {
  /** The hidden marker that finds the issue again: the body's first line. */
  marker: string;
  /** The comment key, shown when it is not the default. */
  key: string;
  /** The workflow run's page (GitHub's environment), linked when it is a plain http(s) link. */
  runUrl?: string;
}

/** Rows shown in the trend table and points in the chart (the history may keep more). */
export const TREND_ROWS = 30;

function runLink(runUrl: string | undefined, text: string): string {
  return runUrl && /^https?:\/\/[^\s()<>[\]]+$/.test(runUrl) ? `[${text}](${runUrl})` : text;
}

const ICON = { healthy: '🟢', degraded: '🔴' } as const;

/** The metric names shown across the history, in first-seen order (at most 6, so the table stays readable). */
export function trendMetrics(history: readonly HistoryEntry[]): string[] {
  const names: string[] = [];
  for (const e of history) for (const m of Object.keys(e.metrics)) if (!names.includes(m) && names.length < 6) names.push(m);
  return names;
}

const hasDrift = (history: readonly HistoryEntry[]): boolean => history.some((e) => e.driftShare !== undefined);
const hasPredictionDrift = (history: readonly HistoryEntry[]): boolean => history.some((e) => e.predictionDrift !== undefined);

/** `2026-12-02 03:14` from the entry's ISO timestamp (validated when read). */
function shortTime(t: string): string {
  return t.slice(0, 16).replace('T', ' ');
}

/** The trend table, newest run first. */
export function trendTable(history: readonly HistoryEntry[]): string {
  if (history.length === 0) return '';
  const metrics = trendMetrics(history);
  const drift = hasDrift(history);
  const pred = hasPredictionDrift(history);
  const head = ['Run (UTC)', 'Verdict', ...metrics.map((m) => escapeMarkdown(m, 64)), ...(drift ? ['Drift share'] : []), ...(pred ? ['Prediction drift (KS)'] : [])];
  const align = [':--', ':--', ...metrics.map(() => '--:'), ...(drift ? ['--:'] : []), ...(pred ? ['--:'] : [])];
  const rows = [...history]
    .reverse()
    .slice(0, TREND_ROWS)
    .map((e) => [
      shortTime(e.t),
      `${ICON[e.verdict]} ${e.verdict}`,
      ...metrics.map((m) => formatValue(e.metrics[m], m)),
      ...(drift ? [e.driftShare === undefined ? '' : e.driftShare.toFixed(3)] : []),
      ...(pred ? [e.predictionDrift === undefined ? '' : e.predictionDrift.toFixed(3)] : []),
    ]);
  return [head, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** A name as mermaid may show it inside "…": letters, digits and a few marks only. */
export function mermaidText(text: string, max = 40): string {
  const clean = text.replace(/[^A-Za-z0-9 _@.:%/-]/g, '_').slice(0, max);
  return clean === '' ? '_' : clean;
}

function mermaidNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}

interface Series {
  name: string;
  values: (number | undefined)[];
}

/** One xychart-beta line chart and its legend (xychart-beta lines carry no names). */
function chartOf(title: string, labels: string[], series: Series[], range?: [number, number]): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const lo = range ? Math.min(range[0], ...all) : Math.min(...all);
  const hi = range ? Math.max(range[1], ...all) : Math.max(...all);
  // Each series carries its last value over a run that lacks it (xychart-beta draws no gaps); before its first, its first.
  const filled = series.map((s) => {
    let last: number | undefined = s.values.find((v) => v !== undefined);
    return { name: s.name, values: s.values.map((v) => (v === undefined ? last : (last = v)) ?? lo) };
  });
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis [${labels.map((l) => `"${mermaidText(l)}"`).join(', ')}]`,
    `  y-axis "value" ${mermaidNumber(lo)} --> ${mermaidNumber(hi === lo ? lo + 1 : hi)}`,
    ...filled.map((s) => `  line [${s.values.map(mermaidNumber).join(', ')}]`),
    '```',
    '',
    `Lines, in order: ${filled.map((s, i) => `${i + 1}. ${escapeMarkdown(s.name, 64)}`).join(', ')}.`,
  ].join('\n');
}

/**
 * Mermaid xychart-beta line charts of the runs, oldest first: the metrics whose values all lie in [0, 1]
 * (roc_auc, accuracy, r2 of a useful model) with the drift share and the prediction drift on one 0–1 chart,
 * and the others (mse, log_loss, …) on their own scale, so that neither flattens the other. Empty when there is nothing to draw.
 */
export function trendChart(history: readonly HistoryEntry[]): string {
  const runs = history.slice(-TREND_ROWS);
  if (runs.length === 0) return '';
  const metrics = trendMetrics(runs);
  const bounded = (m: string): boolean => runs.every((e) => e.metrics[m] === undefined || (e.metrics[m]! >= 0 && e.metrics[m]! <= 1));
  const shares: Series[] = [
    ...metrics.filter(bounded).map((m) => ({ name: m, values: runs.map((e) => e.metrics[m]) })),
    ...(hasDrift(runs) ? [{ name: 'drift share', values: runs.map((e) => e.driftShare) }] : []),
    ...(hasPredictionDrift(runs) ? [{ name: 'prediction drift (KS)', values: runs.map((e) => e.predictionDrift) }] : []),
  ];
  const unbounded: Series[] = metrics.filter((m) => !bounded(m)).map((m) => ({ name: m, values: runs.map((e) => e.metrics[m]) }));
  const labels = runs.map((e) => e.t.slice(5, 16).replace('T', ' '));
  return [
    ...(shares.length ? [chartOf('Metrics and drift from 0 to 1', labels, shares, [0, 1])] : []),
    ...(unbounded.length ? [chartOf('Other metrics', labels, unbounded)] : []),
  ].join('\n\n');
}

/** At most 30 names, escaped, then how many more. */
function namesShown(names: readonly string[]): string {
  const shown = names.slice(0, 30).map((f) => escapeMarkdown(f, 64)).join(', ');
  return names.length > 30 ? `${shown} and ${names.length - 30} more` : shown;
}

/** The verdict's reasons as list items (escaped). */
function reasonsList(result: MonitorResult): string[] {
  return result.reasons.map((r) => `- ${escapeMarkdown(r, 500)}`);
}

/** What this run measured, as a few lines of markdown. */
export function runSection(result: MonitorResult, runUrl?: string): string {
  const out: string[] = [];
  const status = result.verdict === 'degraded' ? '🔴 **Degraded**' : '🟢 **Healthy**';
  out.push(`${status}: production model ${escapeMarkdown(result.model, 200)}, checked on ${result.at.slice(0, 16).replace('T', ' ')} UTC (${runLink(runUrl, 'workflow run')}).`);
  if (result.reasons.length > 0) out.push('', ...reasonsList(result));
  if (result.labelled) {
    const m = Object.entries(result.metrics);
    out.push(
      '',
      `Labelled data ${escapeMarkdown(result.labelled.path, 200)} (${result.labelled.rows} rows): ` +
        (m.length ? m.map(([k, v]) => `${escapeMarkdown(k, 64)} ${formatValue(v, k)}`).join(', ') : 'no metric measured') +
        '.',
    );
  }
  if (result.drift) {
    const d = result.drift;
    out.push(
      '',
      `Data drift: ${d.drifted.length} of ${d.compared} features drifted (share ${d.share.toFixed(3)}; dataset drift at ${d.limit}: ${d.datasetDrift ? '**yes**' : 'no'}) ` +
        `between ${escapeMarkdown(d.reference.path, 200)} (${d.reference.rows} rows) and ${escapeMarkdown(d.current.path, 200)} (${d.current.rows} rows)` +
        (d.drifted.length ? `: ${namesShown(d.drifted)}.` : '.'),
    );
  }
  if (result.predictionDrift) {
    const p = result.predictionDrift;
    out.push(
      '',
      `Prediction drift: the model's outputs on the reference against the current data: KS ${formatValue(p.ks_statistic)} (p ${formatValue(p.ks_pvalue)}), PSI ${formatValue(p.psi)}${p.drifted ? ' — **drifted**' : ''}.`,
    );
  }
  for (const n of result.notes) out.push('', `> ${escapeMarkdown(n, 500)}`);
  return out.join('\n');
}

/** The issue's whole body: marker, this run, the trend, and the hidden history block. */
export function issueBody(result: MonitorResult, history: readonly HistoryEntry[], o: RenderOptions): string {
  const title = o.key === 'default' ? '' : ` (${escapeMarkdown(o.key, 100)})`;
  const parts = [
    o.marker,
    `## model-gate monitoring${title}`,
    '',
    runSection(result, o.runUrl),
  ];
  if (history.length > 0) {
    parts.push('', `### Trend (last ${Math.min(history.length, TREND_ROWS)} runs)`, '', trendTable(history));
    const chart = trendChart(history);
    if (chart) parts.push('', chart);
  }
  parts.push(
    '',
    '<sub>This issue is kept by model-gate in monitor mode: it is opened when the model degrades, updated while it stays so, and closed when it is healthy again. Do not edit the hidden block below: it holds the history.</sub>',
    '',
    historyBlock(history),
  );
  return parts.join('\n');
}

/** The comment posted as the issue closes. */
export function closingComment(result: MonitorResult, runUrl?: string): string {
  return [`The production model is healthy again (${runLink(runUrl, 'workflow run')}); closing.`, '', runSection(result, runUrl)].join('\n');
}

/** The issue's title. */
export function issueTitle(key: string): string {
  const k = key === 'default' ? '' : ` (${key.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 100)})`;
  return `model-gate: the production model degraded${k}`;
}
