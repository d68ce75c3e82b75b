// The pull request comment (and job summary): status header, metric table, findings, confusion
// matrices, models, changelog entry, footer. Pure: no @actions imports, no I/O.

import { markdownTable } from 'markdown-table';
import { primaryMetric, type BoundCheck, type Comparison, type Status } from '../analysis/compare.js';
import { combinedDigest } from '../digest.js';
import type { Gap } from '../analysis/overfitting.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { Finding, ModelMeasurement, Verdict } from '../types.js';
import { baseName } from './changelog.js';
import { curvesChart } from './curves-chart.js';
import { escapeMarkdown, fenceFor } from './escape.js';
import { MAX_MESSAGE_CHARS, shorten } from '../untrusted.js';
import { formatDelta, formatPercent, formatPoints, formatValue, shortHash } from './format.js';
import { metricInfo } from '../metrics/index.js';

export interface CommentOptions {
  /** Hidden marker that finds this comment again on the next run. */
  marker?: string;
  changelog: string;
  version: string;
  runUrl?: string;
  /** A title for this configuration when one pull request runs several gates. */
  title?: string;
}

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const STATUS_ICON: Record<Status, string> = { pass: '✅', warn: '⚠️', fail: '❌', missing: '—' };
const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const RANK: Record<Status, number> = { missing: 0, pass: 1, warn: 2, fail: 3 };

export function renderComment(e: Evaluation, o: CommentOptions): string {
  const parts: string[] = [];
  if (o.marker) parts.push(o.marker);
  // The first screen: the verdict, why, the primary metrics. Everything else is collapsed below it.
  parts.push(header(e, o));
  parts.push(reasonsList(e));
  const candidate = e.models.find((m) => m.role === 'candidate');
  if (candidate) {
    parts.push(summaryLine(e, candidate));
    const primary = primaryTable(e, candidate);
    if (primary) parts.push(primary);
    const noSkill = noSkillLine(e, candidate);
    if (noSkill) parts.push(noSkill);
  }
  const notes: Finding[] = e.models.flatMap((m) => (m.notes ?? []).map((n) => ({ kind: 'engine', severity: 'info' as const, message: `${shorten(m.name)}: ${n}` })));
  const gateFindings = [...e.gate.findings.filter((f) => !DIAGNOSIS_KINDS.has(f.kind)), ...notes];
  if (gateFindings.length > 0) parts.push(details(`Findings (${gateFindings.length})`, findingsList(gateFindings)));
  if (candidate) parts.push(details(`Every metric (${Object.keys(candidate.metrics).length})`, metricTable(e, candidate)));
  if (e.gate.checks.length > 0) parts.push(details('Thresholds on the candidate', checksTable(e)));
  const measured = e.models.filter((m) => m.perf);
  if (measured.length > 0) parts.push(details('Latency and load', perfSection(measured, e.gate.comparisons)));
  if (e.slices) parts.push(details(`Slices${e.slices.findings.length ? ` (${e.slices.findings.length} flagged)` : ''}`, slicesSection(e.slices)));
  const diagnosis = diagnosisSection(e);
  if (diagnosis) parts.push(diagnosis);
  const confusion = e.models.filter((m) => m.confusion && m.role !== 'dummy');
  if (confusion.length > 0) parts.push(details('Confusion matrices', confusion.map(confusionTable).join('\n\n')));
  if (candidate?.perLabel) parts.push(details('Per label', perLabelTable(e.models.filter((m) => m.perLabel && m.role !== 'dummy'))));
  if (candidate?.reliability) parts.push(details('Calibration of the candidate (reliability table)', reliabilityTable(candidate, e.task)));
  if (e.models.length > 0) parts.push(details('Models', modelsSection(e)));
  for (const m of e.models.filter((x) => x.log)) parts.push(details(`Log of ${escapeMarkdown(m.name)}'s command`, fenced(m.log!, 'text')));
  parts.push(details('Changelog entry', fenced(o.changelog, 'markdown')));
  parts.push(footer(o));
  return parts.join('\n\n') + '\n';
}

function header(e: Evaluation, o: CommentOptions): string {
  const title = o.title ? ` · ${escapeMarkdown(o.title)}` : '';
  const what = e.task ? ` · ${e.task} · ${e.data.rows} rows` : '';
  return `## ${VERDICT_ICON[e.gate.verdict]} model-gate: ${e.gate.verdict}${title}${what}`;
}

/** One line under the reasons: what ran against what, on which data. */
function summaryLine(e: Evaluation, candidate: ModelMeasurement): string {
  const others = e.models.filter((m) => m.role === 'baseline').map((m) => `**${escapeMarkdown(m.name)}**`);
  const against = others.length ? ` against ${others.length > 1 ? `${others.slice(0, -1).join(', ')} and ${others[others.length - 1]}` : others[0]}` : '';
  return `**candidate** ${escapeMarkdown(baseName(candidate.path))} (${escapeMarkdown(candidate.engine)})${against} on ${escapeMarkdown(baseName(e.data.path))}.`;
}

/** The most reasons listed under the verdict; the rest are under Findings. Keeps verdict and reasons within 10 lines. */
const MAX_REASONS = 7;

/**
 * Why the verdict is what it is, in plain sentences: each failed (or warning) threshold, each
 * comparison that moved the verdict (a significant regression of a primary metric, or a breached
 * drop rule), then every other error and warning finding. Errors first.
 */
function reasonsList(e: Evaluation): string {
  const items: { severity: 'error' | 'warning'; text: string }[] = [];
  const real = (c: Comparison) => e.models.find((m) => m.name === c.baseline)?.role !== 'dummy';
  const rows = e.gate.comparisons.filter((c) => real(c) && (c.status === 'warn' || c.status === 'fail'));
  const checks = e.gate.checks.filter((c) => c.status === 'warn' || c.status === 'fail');
  for (const c of checks) items.push({ severity: c.status === 'fail' ? 'error' : 'warning', text: checkSentence(c) });
  // A breached rule has its own reason per baseline; a significant regression is said once per metric, for every baseline.
  for (const c of rows.filter((r) => r.reason !== undefined)) items.push({ severity: c.status === 'fail' ? 'error' : 'warning', text: comparisonSentence(c) });
  const regressions = rows.filter((r) => r.reason === undefined);
  for (const metric of new Set(regressions.map((r) => r.metric))) {
    const same = regressions.filter((r) => r.metric === metric);
    items.push({ severity: same.some((r) => r.status === 'fail') ? 'error' : 'warning', text: regressionSentence(same) });
  }
  // The gate words its threshold breaches as findings too; those are the sentences above.
  const repeats = (f: Finding) =>
    f.kind === 'threshold' && (rows.some((c) => f.message.startsWith(`${c.metric} against ${c.baseline}:`)) || checks.some((c) => f.message.startsWith(`${c.metric} is `)));
  for (const f of e.gate.findings) {
    if (f.severity !== 'info' && !repeats(f)) items.push({ severity: f.severity, text: messageMarkdown(f.message) });
  }
  if (items.length === 0) {
    const what = e.models.some((m) => m.role === 'baseline') ? 'no primary metric got significantly worse' : 'the candidate beats the dummy';
    return `- ✅ No threshold is breached and ${what}.`;
  }
  items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const shown = items.slice(0, MAX_REASONS).map((r) => `- ${SEVERITY_ICON[r.severity]} ${r.text}`);
  if (items.length > MAX_REASONS) shown.push(`- … and ${items.length - MAX_REASONS} more under Findings below.`);
  return shown.join('\n');
}

function checkSentence(c: BoundCheck): string {
  const below = c.min !== undefined && c.value !== null && c.value < c.min;
  return `${c.metric} ${formatValue(c.value, c.metric)} is ${below ? `below min ${c.min}` : `above max ${c.max}`}.`;
}

/** A breached drop rule: "accuracy against **main**: 0.7000 vs 0.8123 (−11.2 pp [−15.2, −5.3]): worse by …, more than max-drop 0.02." */
function comparisonSentence(c: Comparison): string {
  const delta = c.delta === null ? '' : ` (${deltaText(c)})`;
  return `${c.metric} against **${escapeMarkdown(c.baseline)}**: ${formatValue(c.candidate, c.metric)} vs ${formatValue(c.baselineValue, c.metric)}${delta}: ${messageMarkdown(c.reason ?? '')}.`;
}

/** One metric's regression against one or more baselines: "roc_auc 0.8700 is significantly worse than **main** 0.9012 (−3.1 pp [−5.1, −1.2])…". */
function regressionSentence(rows: Comparison[]): string {
  const c = rows[0];
  const against = rows.map((r) => `**${escapeMarkdown(r.baseline)}** ${formatValue(r.baselineValue, r.metric)} (${deltaText(r)})`);
  const list = against.length > 1 ? `${against.slice(0, -1).join(', ')} and ${against[against.length - 1]}` : against[0];
  const significantly = rows.every((r) => r.ci !== undefined) ? 'significantly ' : '';
  const effect = c.minEffect ? `; the minimum effect is ${effectText(c.metric, c.minEffect)}` : '';
  // The family test decides a primary regression: give its p-value, since a two-sided interval may reach 0.
  const family = rows.filter((r) => r.familyPValue !== undefined).map((r) => formatValue(r.familyPValue!));
  const test = family.length > 0 ? `; one-sided family test p = ${family.join(', ')}` : '';
  return `${c.metric} ${formatValue(c.candidate, c.metric)} is ${significantly}worse than ${list}${effect}${test}.`;
}

/** A delta in the metric's unit: percentage points for proportions, with its interval when there is one. */
function deltaText(c: Comparison): string {
  return changeText(c.metric, c.delta!, c.ci);
}

/** A change (delta or gap) in the metric's unit, percentage points for proportions, with its interval when there is one. */
function changeText(metric: string, v: number, ci?: [number, number]): string {
  const bounded = isBounded(metric);
  const f = (x: number) => (bounded ? formatPoints(x) : formatDelta(x));
  return `${f(v)}${bounded ? ' pp' : ''}${ci ? ` [${f(ci[0])}, ${f(ci[1])}]` : ''}`;
}

function effectText(metric: string, v: number): string {
  return isBounded(metric) ? `${(v * 100).toFixed(1)} pp` : formatValue(v);
}

/** The metrics of the first table: the primary ones, and any other that moved the verdict or has a threshold. */
function firstTableMetrics(e: Evaluation, candidate: ModelMeasurement): string[] {
  const names = Object.keys(candidate.metrics);
  const rows = e.gate.comparisons;
  const chosen = new Set<string>();
  // Without the gate's word on which metrics are primary, the task's proper scoring rule.
  if (rows.some((c) => c.primary !== undefined)) for (const c of rows) if (c.primary) chosen.add(c.metric);
  if (chosen.size === 0 && e.task) chosen.add(primaryMetric(e.task, names));
  for (const c of rows) if (c.status === 'warn' || c.status === 'fail') chosen.add(c.metric);
  for (const c of e.gate.checks) chosen.add(c.metric);
  return names.filter((m) => chosen.has(m));
}

/**
 * The primary metrics, compact enough for a comment's width: one column per baseline and one Δ per
 * baseline up to two baselines; from three on, one row per metric and baseline.
 */
function primaryTable(e: Evaluation, candidate: ModelMeasurement): string | undefined {
  const metrics = firstTableMetrics(e, candidate);
  const baselines = e.models.filter((m) => m.role === 'baseline');
  if (metrics.length === 0) return undefined;
  const row = (b: ModelMeasurement, metric: string) => e.gate.comparisons.find((x) => x.baseline === b.name && x.metric === metric);
  const delta = (b: ModelMeasurement, metric: string) => {
    const c = row(b, metric);
    return c ? deltaCell(c, e.uncertainty !== undefined) : '';
  };
  const name = (metric: string) => (e.gate.comparisons.some((c) => c.metric === metric && c.primary === false) ? `${metric}¹` : metric);
  let table: string;
  if (baselines.length <= 2) {
    const head = ['Metric', 'candidate', ...baselines.map((b) => escapeMarkdown(b.name)), ...baselines.map((b) => `Δ vs ${escapeMarkdown(b.name)}`)];
    const rows = metrics.map((metric) => [
      name(metric),
      formatValue(candidate.metrics[metric]?.value, metric),
      ...baselines.map((b) => formatValue(b.metrics[metric]?.value, metric)),
      ...baselines.map((b) => delta(b, metric)),
    ]);
    table = markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] });
  } else {
    const head = ['Metric', 'candidate', 'baseline', 'its value', 'Δ'];
    const rows = metrics.flatMap((metric) =>
      baselines.map((b, i) => [
        i === 0 ? name(metric) : '',
        i === 0 ? formatValue(candidate.metrics[metric]?.value, metric) : '',
        escapeMarkdown(b.name),
        formatValue(b.metrics[metric]?.value, metric),
        delta(b, metric),
      ]),
    );
    table = markdownTable([head, ...rows], { align: ['l', 'r', 'l', 'r', 'r'] });
  }
  const notPrimary = metrics.some((m) => e.gate.comparisons.some((c) => c.metric === m && c.primary === false))
    ? ' ¹ Not a primary metric: shown because a threshold names it or it moved the verdict.'
    : '';
  return `${table}\n\n<sub>${legend(e)}${notPrimary}</sub>`;
}

/** The dummy is there to be beaten on the task's scoring rule: one line, not a column. */
function noSkillLine(e: Evaluation, candidate: ModelMeasurement): string | undefined {
  const dummy = e.models.find((m) => m.role === 'dummy');
  if (dummy === undefined || e.task === undefined) return undefined;
  const metric = primaryMetric(e.task, Object.keys(candidate.metrics));
  const c = e.gate.comparisons.find((x) => x.baseline === dummy.name && x.metric === metric);
  if (c === undefined) return undefined;
  const what = `the dummy (${e.task === 'regression' ? 'mean' : 'prior'} of the ${e.dummyFitOn ?? 'evaluation data'})`;
  const values = `${formatValue(c.candidate, metric)} vs ${formatValue(c.baselineValue, metric)}`;
  return c.status === 'fail' || c.change === 'missing' ? `❌ Does not beat ${what} on ${metric}: ${values}.` : `✅ Beats ${what} on ${metric}: ${values}.`;
}

/** Every metric against every real baseline (the dummy has its own line above). */
function metricTable(e: Evaluation, candidate: ModelMeasurement): string {
  const others = e.models.filter((m) => m.role === 'baseline');
  const metrics = Object.keys(candidate.metrics);
  const head = ['Metric', 'candidate', ...others.map((m) => escapeMarkdown(m.name)), ...others.map((m) => `Δ vs ${escapeMarkdown(m.name)}`), 'status'];
  // An operating point the data cannot resolve is shown, marked, and explained under the table.
  const unreliable = (metric: string) => [candidate, ...others].map((m) => m.metrics[metric]?.unreliable).find((why) => why !== undefined);
  const rows = metrics.map((metric) => {
    // The candidate's own interval is in the JSON: here it would squeeze the Δ columns into three lines a cell.
    const row = [unreliable(metric) !== undefined ? `${metric} ⚠️` : metric, formatValue(candidate.metrics[metric]?.value, metric)];
    for (const m of others) row.push(formatValue(m.metrics[metric]?.value, metric));
    const statuses: Status[] = [];
    for (const m of others) {
      const c = e.gate.comparisons.find((x) => x.baseline === m.name && x.metric === metric);
      // An operating point the data cannot resolve gets no significance mark: its interval is not to be read as one.
      row.push(c ? deltaCell(c, e.uncertainty !== undefined, unreliable(metric) !== undefined) : '');
      if (c) statuses.push(c.status);
    }
    for (const check of e.gate.checks.filter((c) => c.metric === metric)) statuses.push(check.status);
    const worst = statuses.reduce<Status | undefined>((a, s) => (a === undefined || RANK[s] > RANK[a] ? s : a), undefined);
    row.push(worst ? STATUS_ICON[worst] : '');
    return row;
  });
  const notes = metrics.filter((m) => unreliable(m) !== undefined).map((m) => `- ⚠️ ${m} is unreliable: ${messageMarkdown(unreliable(m)!)}`);
  const why = notes.length ? `\n\n${notes.join('\n')}` : '';
  const primaryOnly = e.gate.comparisons.some((c) => c.primary === false)
    ? ' The status is ⚠️ or ❌ only where the verdict moved: primary metrics, and metrics a threshold names; other regressions are information.'
    : '';
  return markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] }) + `\n\n<sub>${legend(e)}${primaryOnly}</sub>${why}`;
}

function deltaCell(c: Comparison, bootstrapped: boolean, unreliable = false): string {
  if (c.change === 'missing') return '—';
  // With the bootstrap on, the marks mean "significant": a delta without an interval gets none.
  const marked = !unreliable && (!bootstrapped || c.ci !== undefined);
  const mark = !marked ? '' : c.change === 'improved' || c.change === 'regressed' ? (c.negligible ? ' ≈' : c.change === 'improved' ? ' 🟢' : ' 🔴') : '';
  // The rule when the p-value (Holm-adjusted, or McNemar's for accuracy) and the interval disagree:
  // no change is called; the dagger says why an interval without 0 has no mark.
  const disagrees = c.ci !== undefined && c.change === 'no significant change' && (c.ci[0] > 0 || c.ci[1] < 0) ? ' †' : '';
  if (c.ci !== undefined || isBounded(c.metric)) return `${deltaText(c)}${mark}${disagrees}`;
  const rel = c.relativeDelta !== null && c.change !== 'unchanged' ? ` (${formatPercent(c.relativeDelta)})` : '';
  return `${formatDelta(c.delta)}${rel}${mark}`;
}

function isBounded(metric: string): boolean {
  return metricInfo(metric)?.bounded === true;
}

function valueCell(v: { value: number | null; ci?: [number, number] } | undefined, metric: string): string {
  const value = formatValue(v?.value, metric);
  // A count (example_count, query_count) is a fact of the data, not an estimate: no interval.
  const count = metricInfo(metric)?.informational === true;
  return v?.ci && !count ? `${value} [${formatValue(v.ci[0], metric)}, ${formatValue(v.ci[1], metric)}]` : value;
}

/** What the marks mean; the rarer marks are explained only when a table shows them. */
function legend(e: Evaluation): string {
  const u = e.uncertainty;
  if (u === undefined) {
    const why = e.task === 'multilabel' || e.task === 'ranking' ? `no intervals for ${e.task} tasks yet` : 'the bootstrap was off';
    return `Δ = candidate − baseline. 🟢 better · 🔴 worse (point estimates; ${why}). pp = percentage points.`;
  }
  const rows = e.gate.comparisons;
  const marks = ['🟢 significantly better · 🔴 significantly worse'];
  if (rows.some((c) => c.negligible && (c.change === 'improved' || c.change === 'regressed'))) marks.push('≈ significant, but within the minimum effect');
  if (rows.some((c) => c.ci !== undefined && c.change === 'no significant change' && (c.ci[0] > 0 || c.ci[1] < 0))) {
    const p = [
      rows.some((c) => c.familyPValue !== undefined) ? 'for a worsening of a primary metric, the one-sided max-T test across primary metrics × baselines' : '',
      rows.some((c) => c.adjustedPValue !== undefined) ? "for timings, Holm's correction across the run's timing tests" : '',
      u.accuracyTest ? `${u.accuracyTest} for accuracy` : '',
    ]
      .filter(Boolean)
      .join('; ');
    marks.push(`† the interval excludes 0 but the p-value does not${p ? ` (${p})` : ''}: a change is called only when both agree`);
  }
  if (rows.some((c) => c.familyPValue !== undefined && c.change === 'regressed' && c.ci !== undefined && c.ci[0] <= 0 && c.ci[1] >= 0)) {
    marks.push('a 🔴 primary metric is decided by the one-sided family test (max-T across primary metrics × baselines), so its two-sided interval may reach 0');
  }
  return `Δ = candidate − baseline [${Math.round(u.confidence * 100)} % interval], paired ${u.method} bootstrap, ${u.resamples} resamples, seed ${u.seed}. ${marks.join(' · ')}. pp = percentage points.`;
}

function findingsSection(findings: Finding[]): string {
  return '### Findings\n\n' + findingsList(findings);
}

/** What a code span of ours holds: setting names and small YAML, nothing markdown, HTML or a table would read. */
const PLAIN_CODE = /^[\w .,:;=+\-/{}[\]()'"*?!%]+$/;

/**
 * A finding's message as markdown: escaped, except that our own `code` spans stay code ("set
 * `features`"), where escapes would show as literal backslashes and backticks. A span whose content
 * is not plain (an untrusted value with a backtick can pair with ours) is escaped like the rest.
 */
export function messageMarkdown(message: string): string {
  const pieces = shorten(message, MAX_MESSAGE_CHARS).split('`');
  // An odd piece out (an unpaired backtick) stays a literal, escaped backtick.
  const paired = pieces.length % 2 === 1 ? pieces : [...pieces.slice(0, -2), pieces.slice(-2).join('`')];
  return paired
    .map((p, i) => (i % 2 === 0 ? escapeMarkdown(p, Infinity) : PLAIN_CODE.test(p) ? `\`${p}\`` : escapeMarkdown(`\`${p}\``, Infinity)))
    .join('');
}

function findingsList(findings: Finding[]): string {
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  return sorted.map((f) => `- ${SEVERITY_ICON[f.severity]} ${messageMarkdown(f.message)}`).join('\n');
}

function perfSection(models: ModelMeasurement[], comparisons: Comparison[]): string {
  const lines = models.map((m) => {
    const p = m.perf!;
    const runs = (l: (typeof p.latency)[number]) => ` (${l.runs} runs${l.rounds ? ` in ${l.rounds} rounds` : ''})`;
    const latency = p.latency.map((l) => `batch ${l.batchSize}: ${l.p50_ms.toFixed(2)} / ${l.p95_ms.toFixed(2)} / ${l.p99_ms.toFixed(2)} ms, ${Math.round(l.rowsPerSecond)} rows/s${runs(l)}`).join(' · ');
    const load = p.load
      ? `; load: ${p.load.concurrency} concurrent callers for ${p.load.seconds} s, ${p.load.throughputPerSecond.toFixed(1)} req/s, p95 ${p.load.p95_ms.toFixed(2)} ms, ${p.load.errors} errors`
      : '';
    const facts = m.facts ? `; ${m.facts.parameters} parameters, ${m.facts.fileBytes} bytes` : '';
    return `- **${escapeMarkdown(m.name)}**: latency p50 / p95 / p99: ${latency}${load}; peak RSS ${p.memory.rssPeakMB.toFixed(0)} MiB${facts}`;
  });
  // The candidate's p95 per batch size against each baseline, as the test across rounds judged it.
  const tested = comparisons.filter((c) => /^latency_p95_ms@/.test(c.metric) && c.ci !== undefined);
  const verdicts = [...new Set(tested.map((c) => c.baseline))].map((b) => {
    const rows = tested.filter((c) => c.baseline === b);
    const items = rows.map((c) => {
      const word = c.change === 'regressed' && !c.negligible ? '**slower**' : c.change === 'improved' && !c.negligible ? 'faster' : c.negligible && (c.change === 'regressed' || c.change === 'improved') ? 'negligible' : 'no significant change';
      return `batch ${c.metric.split('@')[1]} ${formatDelta(c.delta!)} ms [${formatDelta(c.ci![0])}, ${formatDelta(c.ci![1])}] ${word}`;
    });
    return `- candidate p95 against **${escapeMarkdown(b)}**: ${items.join(' · ')}`;
  });
  const how =
    'Measured in one process after warm-up, the models taking turns in interleaved rounds; a latency change is called a regression only when the ' +
    'Mann–Whitney U test across rounds (Holm over the run\'s timing tests) says so and it exceeds 10 % of the baseline (or the threshold\'s min-effect). ' +
    'Concurrent callers take turns on one engine. Compare models within this run, not across runners.';
  return `${[...lines, ...verdicts].join('\n')}\n\n<sub>${how}</sub>`;
}

function slicesSection(r: NonNullable<Evaluation['slices']>): string {
  const flagged = r.findings.length > 0 ? r.findings.map((f) => `- 🔴 ${messageMarkdown(f.message)}`).join('\n') : '- No slice regresses significantly where the whole improves.';
  const gaps = r.worstSliceGap.map((g) => [
    escapeMarkdown(g.model),
    escapeMarkdown(g.column),
    g.metric,
    `${escapeMarkdown(g.best.value)}: ${formatValue(g.best.metric)}`,
    `${escapeMarkdown(g.worst.value)}: ${formatValue(g.worst.metric)}`,
    isBounded(g.metric) ? `${formatPoints(g.gap)} pp` : formatValue(g.gap),
  ]);
  const gapTable = gaps.length
    ? '\n\n' + markdownTable([['model', 'column', 'metric', 'best slice', 'worst slice', 'gap'], ...gaps], { align: ['l', 'l', 'l', 'l', 'l', 'r'] })
    : '';
  const metrics = r.slices.length ? Object.keys(r.slices[0].models.candidate ?? {}).filter((m) => m !== 'example_count') : [];
  const perSlice = r.slices.map((sl) => {
    const names = Object.keys(sl.models);
    const rows = metrics.map((metric) => [
      metric,
      ...names.map((n) => {
        return valueCell(sl.models[n][metric], metric);
      }),
    ]);
    return `**${escapeMarkdown(sl.column)} = ${escapeMarkdown(sl.value)}** (${sl.rows} rows)\n\n` + markdownTable([['metric', ...names.map((t) => escapeMarkdown(t))], ...rows], { align: ['l', ...names.map(() => 'r' as const)] });
  });
  const skipped = r.skipped.length ? `\n\n<sub>Below min-size, not measured: ${r.skipped.map((x) => `${escapeMarkdown(x.column)} = ${escapeMarkdown(x.value)} (${x.rows})`).join(', ')}.</sub>` : '';
  return `${flagged}${gapTable}${skipped}\n\n${details(`Every metric per slice (${r.slices.length} slices)`, perSlice.join('\n\n'))}`;
}

/** Findings that diagnose the model and its data rather than gate a metric: shown under Diagnosis. */
const DIAGNOSIS_KINDS = new Set(['overfitting', 'underfitting', 'data_drift', 'feature_drift', 'new_categories', 'psi_shift', 'label_drift', 'prediction_drift', 'training_curve', 'training_log']);

/** Diagnosis: its findings first, then generalisation, drift (tables collapsed), prediction drift, curves. */
function diagnosisSection(e: Evaluation): string | undefined {
  const parts: string[] = [];
  const topics: string[] = [];
  const findings = e.gate.findings.filter((f) => DIAGNOSIS_KINDS.has(f.kind));
  if (findings.length > 0) parts.push(findingsList(findings));
  if (e.gaps && e.gaps.length > 0) {
    parts.push(generalisationSection(e));
    topics.push('generalisation');
  }
  if (e.drift) {
    parts.push(driftSection(e.drift));
    topics.push('data drift');
  }
  if (e.labelDrift) {
    parts.push(labelDriftLine(e.labelDrift));
    topics.push('label drift');
  }
  if (e.predictionDrift && e.predictionDrift.length > 0) {
    parts.push(predictionDriftSection(e.predictionDrift));
    topics.push('prediction drift');
  }
  if (e.training) {
    parts.push(trainingSection(e.training));
    topics.push('training curves');
  }
  if (parts.length === 0) return undefined;
  const count = findings.length > 0 ? ` (${findings.length} finding${findings.length === 1 ? '' : 's'})` : '';
  return details(`Diagnosis: ${topics.join(', ') || 'findings'}${count}`, parts.join('\n\n'));
}

function labelDriftLine(d: NonNullable<Evaluation['labelDrift']>): string {
  const items = d.features.map(
    (f) => `${escapeMarkdown(f.name)}: ${f.test} ${formatValue(f.statistic)}${f.pValueAdjusted !== undefined ? `, p = ${formatValue(f.pValueAdjusted)}` : ''}, PSI ${formatValue(f.psi)} — ${f.drifted ? '🔴 drifted' : 'stable'}`,
  );
  return `**Label drift** (reference against current labels): ${items.join('; ')}.`;
}

function generalisationSection(e: Evaluation): string {
  const gaps = e.gaps!;
  const names = [...new Set(gaps.map((g) => g.model))];
  const metrics = [...new Set(gaps.map((g) => g.metric))];
  const head = ['Metric', ...names.flatMap((n) => [`${escapeMarkdown(n)} train → eval`, 'gap'])];
  const rows = metrics.map((metric) => [
    metric,
    ...names.flatMap((n) => {
      const g = gaps.find((x) => x.model === n && x.metric === metric);
      if (g === undefined) return ['', ''];
      const gap = gapText(g) + (g.flagged ? ' ⚠️' : g.unreliable !== undefined ? ' (unreliable)' : '');
      return [`${formatValue(g.train, metric)} → ${formatValue(g.eval, metric)}`, gap];
    }),
  ]);
  const table = markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] });
  const flagged = gaps.filter((g) => g.flagged && g.model === 'candidate').length;
  const lead = flagged > 0 ? `${flagged} metric${flagged === 1 ? '' : 's'} of the candidate beyond the allowed gap.` : 'No metric of the candidate beyond the allowed gap.';
  return `### Generalisation (training → evaluation)\n\n${lead} The gap is how much worse evaluation is than training, in percentage points (pp) for proportions; ⚠️ marks a gap the gate flagged (see the finding); an operating point the data cannot resolve is marked unreliable and never flagged.\n\n${details('Gaps per model', table)}`;
}

/** A gap in the metric's unit (percentage points for proportions; no relative % that explodes near 0), with its interval when there is one. */
function gapText(g: Gap & { ci?: [number, number] }): string {
  return g.gap === null ? '—' : changeText(g.metric, g.gap, g.ci);
}

/** The report of `model-gate drift`: no models, only the two samples. */
export function renderDriftReport(d: NonNullable<Evaluation['drift']>, findings: Finding[], version: string): string {
  const head = `## ${d.datasetDrift ? '🔴' : '✅'} model-gate drift: ${d.datasetDrift ? 'dataset drift' : 'no dataset drift'}`;
  const parts = [head, driftSection(d)];
  if (findings.length > 0) parts.push(findingsSection(findings));
  parts.push(`<sub>model-gate ${escapeMarkdown(version)}</sub>`);
  return parts.join('\n\n') + '\n';
}

function driftSection(d: NonNullable<Evaluation['drift']>): string {
  const drifted = d.features.filter((f) => f.drifted);
  const correction = { bh: 'Benjamini–Hochberg', bonferroni: 'Bonferroni', none: 'no' }[d.correction];
  const lead =
    `${drifted.length} of ${d.features.length} features drifted (share ${formatValue(d.share)}; dataset drift at ${formatValue(d.datasetDriftShare)}: ` +
    `${d.datasetDrift ? '**yes**' : 'no'}) between the reference ${escapeMarkdown(baseName(d.reference.path))} (${d.reference.rows} rows) ` +
    `and the current ${escapeMarkdown(baseName(d.current.path))} (${d.current.rows} rows). Tests as Evidently chooses them; ${correction} correction of the p-values.`;
  const row = (f: (typeof d.features)[number]) => [
    escapeMarkdown(f.name),
    f.kind,
    f.test,
    formatValue(f.statistic),
    f.pValueAdjusted !== undefined ? formatValue(f.pValueAdjusted) : '',
    `${formatValue(f.psi)}${f.psiBand === 'major' ? ' ❗' : f.psiBand === 'moderate' ? ' ⚠️' : ''}`,
    f.newCategories?.length ? escapeMarkdown(f.newCategories.slice(0, 5).join(', ')) : '',
    f.drifted ? '🔴 drift' : '',
  ];
  const head = ['Feature', 'type', 'test', 'statistic', 'p (adjusted)', 'PSI', 'new categories', ''];
  const align = ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'l'] as const;
  const top = drifted.length > 0 ? '\n\n' + markdownTable([head, ...drifted.map(row)], { align: [...align] }) : '';
  return `### Data drift\n\n${lead}${top}\n\n${details('Every feature', markdownTable([head, ...d.features.map(row)], { align: [...align] }))}`;
}

function predictionDriftSection(p: NonNullable<Evaluation['predictionDrift']>): string {
  const rows = p.map((x) => [
    escapeMarkdown(x.baseline),
    formatValue(x.ks_statistic),
    formatValue(x.ks_pvalue),
    formatValue(x.psi),
    x.churn === undefined ? '' : `${(x.churn * 100).toFixed(1)} %`,
    x.drifted ? 'different' : 'similar',
  ]);
  const flips = p
    .filter((x) => x.flips)
    .map((x) => {
      const { labels, counts } = x.flips!;
      const head = [`${escapeMarkdown(x.baseline)} \\ candidate`, ...labels.map((t) => escapeMarkdown(t))];
      return markdownTable([head, ...counts.map((r, i) => [escapeMarkdown(labels[i]), ...r.map(String)])], { align: ['l', ...labels.map(() => 'r' as const)] });
    });
  return details(
    'Prediction drift: the candidate\'s outputs against each baseline\'s on the same rows',
    markdownTable([['against', 'KS D', 'KS p', 'PSI', 'churn', 'outputs'], ...rows], { align: ['l', 'r', 'r', 'r', 'r', 'l'] }) +
      (flips.length ? `\n\nPredicted class, baseline (rows) against candidate (columns):\n\n${flips.join('\n\n')}` : ''),
  );
}

function trainingSection(t: NonNullable<Evaluation['training']>): string {
  const chart = curvesChart(t.log, t.analysis);
  const a = t.analysis;
  const facts = `${escapeMarkdown(a.monitor)} was best at epoch ${a.bestEpoch} (${formatValue(a.bestValue)}); the last epoch, ${a.lastEpoch}, has ${formatValue(a.lastValue)}.`;
  return `### Training curves\n\n${facts}\n\n${chart || '_No finite values to draw._'}`;
}

function checksTable(e: Evaluation): string {
  const rows = e.gate.checks.map((c) => [
    c.metric,
    formatValue(c.value, c.metric),
    c.min !== undefined ? `≥ ${c.min}` : '',
    c.max !== undefined ? `≤ ${c.max}` : '',
    STATUS_ICON[c.status],
  ]);
  return markdownTable([['Metric', 'candidate', 'min', 'max', 'status'], ...rows], { align: ['l', 'r', 'r', 'r', 'c'] });
}

function confusionTable(m: ModelMeasurement): string {
  const { labels, counts } = m.confusion!;
  const head = ['true \\ predicted', ...labels.map((t) => escapeMarkdown(t))];
  const rows = counts.map((r, i) => [escapeMarkdown(labels[i]), ...r.map(String)]);
  return `**${escapeMarkdown(m.name)}**\n\n` + markdownTable([head, ...rows], { align: ['l', ...labels.map(() => 'r' as const)] });
}

function perLabelTable(models: ModelMeasurement[]): string {
  const labels = models[0].perLabel!.map((l) => l.label);
  const head = ['label', 'support', ...models.flatMap((m) => [`${escapeMarkdown(m.name)} F1`, `${escapeMarkdown(m.name)} ROC AUC`])];
  const rows = labels.map((label, j) => [
    escapeMarkdown(label),
    formatValue(models[0].perLabel![j].support, 'example_count'),
    ...models.flatMap((m) => [formatValue(m.perLabel![j]?.f1), formatValue(m.perLabel![j]?.roc_auc)]),
  ]);
  return markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] });
}

function reliabilityTable(m: ModelMeasurement, task: Evaluation['task']): string {
  const observed = task === 'binary' ? 'observed frequency' : 'accuracy';
  const bins = m.reliability!;
  // The table has one row per equal-width bin [j/n, (j+1)/n) and, last, the point bin [1, 1] where
  // torchmetrics keeps confidences of exactly 1: it is not one of the n bins of the caption.
  const intervals = bins.filter((b) => b.upper > b.lower).length;
  const point = bins.find((b) => b.upper === b.lower && b.count > 0);
  const rows = bins.filter((b) => b.count > 0).map((b) => [
    b.upper === b.lower ? `exactly ${b.lower}` : `[${formatValue(b.lower)}, ${formatValue(b.upper)})`,
    String(b.count),
    formatValue(b.confidence),
    formatValue(b.accuracy),
    `${formatPoints(b.accuracy - b.confidence)} pp`,
  ]);
  const what = task === 'binary' ? 'P(positive)' : 'top-label confidence';
  const extra = point ? `, and ${point.count} row${point.count === 1 ? '' : 's'} at exactly 1 in a point bin of their own, as torchmetrics keeps them` : '';
  return (
    `${what} in ${intervals} equal-width bins as torchmetrics bins them${extra}; empty bins are left out. ece = ${formatValue(m.metrics.ece?.value)}, mce = ${formatValue(m.metrics.mce?.value)}.\n\n` +
    markdownTable([['bin', 'rows', 'mean confidence', observed, 'gap'], ...rows], { align: ['l', 'r', 'r', 'r', 'r'] })
  );
}

/** The models, the hardware the candidate ran on, and the columns fed to each model, in order. */
function modelsSection(e: Evaluation): string {
  const parts = [modelsTable(e.models)];
  if (e.hardware) parts.push(`**Hardware** ${escapeMarkdown(e.hardware.text, MAX_MESSAGE_CHARS)}`);
  const fed = e.models.filter((m) => m.features !== undefined);
  if (fed.length > 0) parts.push(fed.map(featuresLine).join('\n'));
  return parts.join('\n\n');
}

/** The most column names listed per model; the JSON report has them all. */
const MAX_FEATURES_SHOWN = 40;

function featuresLine(m: ModelMeasurement): string {
  const cols = m.features!;
  const shown = cols.slice(0, MAX_FEATURES_SHOWN).map((c) => escapeMarkdown(c)).join(', ') + (cols.length > MAX_FEATURES_SHOWN ? `, … (${cols.length - MAX_FEATURES_SHOWN} more)` : '');
  const by = m.featureOrder === 'file' ? ' ⚠️ in the data file\'s column order: neither the model nor `features` pins it' : m.featureOrder === 'model' ? ', in the order the model\'s metadata names' : m.featureOrder === 'settings' ? ', in the order the settings name' : '';
  const inputs = m.featureInputs ? ` (inputs: ${Object.entries(m.featureInputs).map(([k, v]) => `${escapeMarkdown(k)} ← ${v.length}`).join(', ')})` : '';
  return `- **${escapeMarkdown(m.name)}** was fed ${cols.length} column${cols.length === 1 ? '' : 's'}${by}${inputs}: ${shown}`;
}

function modelsTable(models: ModelMeasurement[]): string {
  const rows = models.map((m) => [
    escapeMarkdown(m.name),
    m.role,
    escapeMarkdown(m.engine),
    escapeMarkdown(m.backend),
    escapeMarkdown(baseName(m.path)),
    m.files.length ? shortHash(combinedDigest(m.files)) : '',
    m.files.length ? String(m.files.reduce((a, f) => a + f.bytes, 0)) : '',
  ]);
  return markdownTable([['Model', 'role', 'engine', 'backend', 'path', 'sha256', 'bytes'], ...rows]);
}

function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function fenced(content: string, lang: string): string {
  const fence = fenceFor(content);
  return `${fence}${lang}\n${content.replace(/\n$/, '')}\n${fence}`;
}

function footer(o: CommentOptions): string {
  // runUrl comes from GitHub's own environment, not from users' files; still, only http(s) links are made.
  const run = o.runUrl && /^https?:\/\/[^\s()<>]+$/.test(o.runUrl) ? ` · [workflow run](${o.runUrl})` : '';
  return `<sub>model-gate ${escapeMarkdown(o.version)}${run}</sub>`;
}
