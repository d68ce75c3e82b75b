// The publish comment (mode: publish): rendered from a JSON report that a pull request's run left as an
// artifact. The report comes from untrusted code, so nothing in it is posted as it stands: it was checked
// against report-schema.ts first, and here every string in it is escaped (escapeMarkdown) or fenced. It is
// shorter than the evaluation's own comment: the verdict line, the reasons (failed gates and error and
// warning findings), the primary metrics table and the changelog entry; the full report is in the
// pull request run's job summary.

import { escapeMarkdown, fenceFor } from './escape.js';
import { formatDelta, formatValue } from './format.js';
import type { JsonReport } from './json.js';
import { MAX_MESSAGE_CHARS, safeLogText, shorten } from '../untrusted.js';

export interface FromJsonOptions {
  /** Hidden marker that finds the comment again (commentMarker(key)). */
  marker?: string;
  /** A title for this configuration when one pull request runs several gates (the comment key). */
  title?: string;
  /** The pull request's workflow run, where the full report is (a link only when it is http(s)). */
  runUrl?: string;
  /** model-gate's version that publishes. */
  version: string;
}

type Verdict = JsonReport['verdict'];
type Status = JsonReport['checks'][number]['status'];
const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const SEVERITY_ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
const MAX_REASONS = 10;
const MAX_ROWS = 30;

const esc = (text: string): string => escapeMarkdown(text);
const prose = (text: string): string => escapeMarkdown(text, MAX_MESSAGE_CHARS);

/** The comment for a validated JSON report (see validateReport). */
export function renderFromJson(r: JsonReport, o: FromJsonOptions): string {
  const parts: string[] = [];
  if (o.marker) parts.push(o.marker);
  const title = o.title ? ` · ${esc(o.title)}` : '';
  const what = r.task ? ` · ${esc(r.task)} · ${r.data.rows} rows` : '';
  parts.push(`## ${VERDICT_ICON[r.verdict]} model-gate: ${r.verdict}${title}${what}`);
  parts.push(reasons(r));
  const table = primaryTable(r);
  if (table) parts.push(table);
  const changelog = shorten(r.changelog, MAX_MESSAGE_CHARS * 2);
  if (changelog.trim() !== '') {
    const fence = fenceFor(changelog);
    parts.push(`<details>\n<summary>Changelog entry</summary>\n\n${fence}markdown\n${changelog.replace(/\n$/, '')}\n${fence}\n\n</details>`);
  }
  const run = o.runUrl && /^https?:\/\/[^\s()<>]+$/.test(o.runUrl) ? `[the pull request's workflow run](${o.runUrl})` : "the pull request's workflow run";
  parts.push(`<sub>Published by model-gate ${esc(o.version)} from the report of ${run}; the full report is in its job summary.</sub>`);
  return safeLogText(parts.join('\n\n') + '\n');
}

/** Failed and warning gates (thresholds and comparisons), then the error and warning findings. */
function reasons(r: JsonReport): string {
  const items: { severity: 'error' | 'warning'; text: string }[] = [];
  const sev = (s: Status): 'error' | 'warning' => (s === 'fail' ? 'error' : 'warning');
  for (const c of r.checks.filter((c) => c.status === 'fail' || c.status === 'warn')) {
    const bound = [c.min !== undefined ? `min ${c.min}` : '', c.max !== undefined ? `max ${c.max}` : ''].filter(Boolean).join(', ');
    items.push({ severity: sev(c.status), text: `${esc(c.metric)} ${formatValue(c.value, c.metric)} breaks its threshold (${bound || 'none given'}).` });
  }
  const dummies = new Set(r.models.filter((m) => m.role === 'dummy').map((m) => m.name));
  for (const c of r.comparisons.filter((c) => (c.status === 'fail' || c.status === 'warn') && !dummies.has(c.baseline))) {
    items.push({
      severity: sev(c.status),
      text: `${esc(c.metric)} ${formatValue(c.candidate, c.metric)} against **${esc(c.baseline)}** ${formatValue(c.baselineValue, c.metric)} (${formatDelta(c.delta)}): ${c.status}.`,
    });
  }
  for (const f of r.findings) if (f.severity !== 'info') items.push({ severity: f.severity, text: prose(f.message) });
  if (items.length === 0) return '- ✅ No gate failed.';
  items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const shown = items.slice(0, MAX_REASONS).map((i) => `- ${SEVERITY_ICON[i.severity]} ${i.text}`);
  if (items.length > MAX_REASONS) shown.push(`- … and ${items.length - MAX_REASONS} more in the full report.`);
  return shown.join('\n');
}

/** The primary metrics (and any metric that moved the verdict or has a threshold) of the candidate, against each baseline. */
function primaryTable(r: JsonReport): string | undefined {
  const candidate = r.models.find((m) => m.role === 'candidate');
  if (!candidate) return undefined;
  const chosen = new Set<string>();
  for (const c of r.comparisons) if (c.primary || c.status === 'fail' || c.status === 'warn') chosen.add(c.metric);
  for (const c of r.checks) chosen.add(c.metric);
  const metrics = Object.keys(candidate.metrics).filter((m) => chosen.has(m)).slice(0, MAX_ROWS);
  if (metrics.length === 0) return undefined;
  const baselines = r.models.filter((m) => m.role === 'baseline').slice(0, 3);
  const head = ['Metric', 'candidate', ...baselines.flatMap((b) => [esc(b.name), `Δ vs ${esc(b.name)}`])];
  const rows = metrics.map((metric) => [
    esc(metric),
    formatValue(candidate.metrics[metric]?.value, metric),
    ...baselines.flatMap((b) => {
      const c = r.comparisons.find((x) => x.baseline === b.name && x.metric === metric);
      return [formatValue(b.metrics[metric]?.value, metric), c ? formatDelta(c.delta) : ''];
    }),
  ]);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? ':--' : '--:'))), ...rows.map(line)].join('\n');
}
