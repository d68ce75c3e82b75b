// The pull request comment (and job summary): status header, metric table, findings, confusion
// matrices, models, changelog entry, footer. Pure: no @actions imports, no I/O.

import { markdownTable } from 'markdown-table';
import type { Comparison, Status } from '../analysis/compare.js';
import { combinedDigest } from '../engines/files.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { Finding, ModelMeasurement, Verdict } from '../types.js';
import { baseName } from './changelog.js';
import { curvesChart } from './curves-chart.js';
import { escapeMarkdown, fenceFor, MAX_MESSAGE_CHARS } from './escape.js';
import { shorten } from '../untrusted.js';
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
  parts.push(header(e, o));
  const candidate = e.models.find((m) => m.role === 'candidate');
  if (candidate) {
    parts.push(summaryLine(e, candidate) + (e.hardware ? `\n\n**Hardware** ${escapeMarkdown(e.hardware.text, MAX_MESSAGE_CHARS)}` : ''));
    parts.push(metricTable(e, candidate));
  }
  const notes: Finding[] = e.models.flatMap((m) => (m.notes ?? []).map((n) => ({ kind: 'engine', severity: 'info' as const, message: `${shorten(m.name)}: ${n}` })));
  const gateFindings = [...e.gate.findings.filter((f) => !DIAGNOSIS_KINDS.has(f.kind)), ...notes];
  if (gateFindings.length > 0) parts.push(findingsSection(gateFindings));
  if (e.gate.checks.length > 0) parts.push(checksSection(e));
  const measured = e.models.filter((m) => m.perf);
  if (measured.length > 0) parts.push(perfSection(measured));
  if (e.slices) parts.push(slicesSection(e.slices));
  const diagnosis = diagnosisSection(e);
  if (diagnosis) parts.push(diagnosis);
  const confusion = e.models.filter((m) => m.confusion && m.role !== 'dummy');
  if (confusion.length > 0) parts.push(details('Confusion matrices', confusion.map(confusionTable).join('\n\n')));
  if (candidate?.perLabel) parts.push(details('Per label', perLabelTable(e.models.filter((m) => m.perLabel && m.role !== 'dummy'))));
  if (candidate?.reliability) parts.push(details('Calibration of the candidate (reliability table)', reliabilityTable(candidate, e.task)));
  if (e.models.length > 0) parts.push(details('Models', modelsTable(e.models)));
  for (const m of e.models.filter((x) => x.log)) parts.push(details(`Log of ${escapeMarkdown(m.name)}'s command`, fenced(m.log!, 'text')));
  parts.push(`### Changelog entry\n\n${fenced(o.changelog, 'markdown')}`);
  parts.push(footer(o));
  return parts.join('\n\n') + '\n';
}

function header(e: Evaluation, o: CommentOptions): string {
  const title = o.title ? ` · ${escapeMarkdown(o.title)}` : '';
  const what = e.task ? ` · ${e.task} · ${e.data.rows} rows` : '';
  return `## ${VERDICT_ICON[e.gate.verdict]} model-gate: ${e.gate.verdict}${title}${what}`;
}

function summaryLine(e: Evaluation, candidate: ModelMeasurement): string {
  const others = e.models.filter((m) => m.role === 'baseline').map((m) => `**${escapeMarkdown(m.name)}**`);
  const against = others.length ? `against ${others.join(', ')} and the dummy baseline` : 'against the dummy baseline';
  const regressed = e.gate.comparisons.filter((c) => c.change === 'regressed' && c.baseline !== 'dummy' && (e.uncertainty === undefined || c.ci !== undefined)).length;
  const failed = e.gate.comparisons.filter((c) => c.status === 'fail').length + e.gate.checks.filter((c) => c.status === 'fail').length;
  return (
    `**candidate** ${escapeMarkdown(baseName(candidate.path))} (${escapeMarkdown(candidate.engine)}, ${escapeMarkdown(candidate.backend)}) ` +
    `${against} on ${escapeMarkdown(baseName(e.data.path))}. ` +
    `${failed} gate${failed === 1 ? '' : 's'} failed, ${regressed} ${e.uncertainty ? 'significant ' : ''}change${regressed === 1 ? '' : 's'} for the worse.`
  );
}

function metricTable(e: Evaluation, candidate: ModelMeasurement): string {
  const others = e.models.filter((m) => m !== candidate);
  const metrics = Object.keys(candidate.metrics);
  const head = ['Metric', 'candidate', ...others.map((m) => escapeMarkdown(m.name)), ...others.map((m) => `Δ vs ${escapeMarkdown(m.name)}`), 'status'];
  const rows = metrics.map((metric) => {
    const row = [metric, valueCell(candidate.metrics[metric], metric)];
    for (const m of others) row.push(formatValue(m.metrics[metric]?.value, metric));
    const statuses: Status[] = [];
    for (const m of others) {
      const c = e.gate.comparisons.find((x) => x.baseline === m.name && x.metric === metric);
      row.push(c ? deltaCell(c, e.uncertainty !== undefined) : '');
      if (c) statuses.push(c.status);
    }
    for (const check of e.gate.checks.filter((c) => c.metric === metric)) statuses.push(check.status);
    const worst = statuses.reduce<Status | undefined>((a, s) => (a === undefined || RANK[s] > RANK[a] ? s : a), undefined);
    row.push(worst ? STATUS_ICON[worst] : '');
    return row;
  });
  return markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] }) + `\n\n<sub>${legend(e)}</sub>`;
}

function deltaCell(c: Comparison, bootstrapped: boolean): string {
  if (c.change === 'missing') return '—';
  // With the bootstrap on, the marks mean "significant": a delta without an interval gets none.
  const marked = !bootstrapped || c.ci !== undefined;
  const mark = !marked ? '' : c.change === 'improved' ? ' 🟢' : c.change === 'regressed' ? ' 🔴' : '';
  if (c.ci !== undefined) {
    // Bounded metrics read best in percentage points: "+1.2 pp [+0.4, +2.0]".
    if (isBounded(c.metric)) return `${formatPoints(c.delta)} pp [${formatPoints(c.ci[0])}, ${formatPoints(c.ci[1])}]${mark}`;
    return `${formatDelta(c.delta)} [${formatDelta(c.ci[0])}, ${formatDelta(c.ci[1])}]${mark}`;
  }
  const rel = c.relativeDelta !== null && c.change !== 'unchanged' ? ` (${formatPercent(c.relativeDelta)})` : '';
  return `${formatDelta(c.delta)}${rel}${mark}`;
}

function isBounded(metric: string): boolean {
  return metricInfo(metric)?.bounded === true;
}

function valueCell(v: { value: number | null; ci?: [number, number] } | undefined, metric: string): string {
  const value = formatValue(v?.value, metric);
  return v?.ci ? `${value} [${formatValue(v.ci[0], metric)}, ${formatValue(v.ci[1], metric)}]` : value;
}

function legend(e: Evaluation): string {
  const u = e.uncertainty;
  if (u === undefined) {
    const why = e.task === 'multilabel' || e.task === 'ranking' ? `no intervals for ${e.task} tasks yet` : 'the bootstrap was off';
    return `🟢 better · 🔴 worse than the baseline (point estimates; ${why}).`;
  }
  const accuracy = u.accuracyTest ? `; accuracy p-values from ${u.accuracyTest}` : '';
  return (
    `🟢 significant improvement · 🔴 significant regression; unmarked differences are within noise, or have no interval (shown without brackets). ` +
    `Δ [${Math.round(u.confidence * 100)} % interval] from a paired ${u.method} bootstrap, ${u.resamples} resamples, seed ${u.seed}${accuracy}. ` +
    'pp = percentage points.'
  );
}

function findingsSection(findings: Finding[]): string {
  return '### Findings\n\n' + findingsList(findings);
}

function findingsList(findings: Finding[]): string {
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  return sorted.map((f) => `- ${SEVERITY_ICON[f.severity]} ${escapeMarkdown(f.message, MAX_MESSAGE_CHARS)}`).join('\n');
}

function perfSection(models: ModelMeasurement[]): string {
  const lines = models.map((m) => {
    const p = m.perf!;
    const latency = p.latency.map((l) => `batch ${l.batchSize}: ${l.p50_ms.toFixed(2)} / ${l.p95_ms.toFixed(2)} / ${l.p99_ms.toFixed(2)} ms, ${Math.round(l.rowsPerSecond)} rows/s`).join(' · ');
    const load = p.load
      ? `; load: ${p.load.concurrency} concurrent callers for ${p.load.seconds} s, ${p.load.throughputPerSecond.toFixed(1)} req/s, p95 ${p.load.p95_ms.toFixed(2)} ms, ${p.load.errors} errors`
      : '';
    const facts = m.facts ? `; ${m.facts.parameters} parameters, ${m.facts.fileBytes} bytes` : '';
    return `- **${escapeMarkdown(m.name)}**: latency p50 / p95 / p99: ${latency}${load}; peak RSS ${p.memory.rssPeakMB.toFixed(0)} MiB${facts}`;
  });
  return `### Latency and load\n\n${lines.join('\n')}\n\n<sub>Measured in one process after warm-up, models one after another; concurrent callers take turns on one engine. Compare models within this run, not across runners.</sub>`;
}

function slicesSection(r: NonNullable<Evaluation['slices']>): string {
  const flagged = r.findings.length > 0 ? r.findings.map((f) => `- 🔴 ${escapeMarkdown(f.message, MAX_MESSAGE_CHARS)}`).join('\n') : '- No slice regresses significantly where the whole improves.';
  const gaps = r.worstSliceGap.map((g) => [
    escapeMarkdown(g.model),
    escapeMarkdown(g.column),
    g.metric,
    `${escapeMarkdown(g.best.value)}: ${formatValue(g.best.metric)}`,
    `${escapeMarkdown(g.worst.value)}: ${formatValue(g.worst.metric)}`,
    formatValue(g.gap),
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
  return `### Slices\n\n${flagged}${gapTable}${skipped}\n\n${details(`Every metric per slice (${r.slices.length} slices)`, perSlice.join('\n\n'))}`;
}

/** Findings that diagnose the model and its data rather than gate a metric: shown under Diagnosis. */
const DIAGNOSIS_KINDS = new Set(['overfitting', 'underfitting', 'data_drift', 'label_drift', 'prediction_drift', 'training_curve', 'training_log']);

/** Diagnosis: its findings first, then generalisation, drift (tables collapsed), prediction drift, curves. */
function diagnosisSection(e: Evaluation): string | undefined {
  const parts: string[] = [];
  const findings = e.gate.findings.filter((f) => DIAGNOSIS_KINDS.has(f.kind));
  if (findings.length > 0) parts.push(findingsList(findings));
  if (e.gaps && e.gaps.length > 0) parts.push(generalisationSection(e));
  if (e.drift) parts.push(driftSection(e.drift));
  if (e.labelDrift) parts.push(labelDriftLine(e.labelDrift));
  if (e.predictionDrift && e.predictionDrift.length > 0) parts.push(predictionDriftSection(e.predictionDrift));
  if (e.training) parts.push(trainingSection(e.training));
  return parts.length > 0 ? `## Diagnosis\n\n${parts.join('\n\n')}` : undefined;
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
      const gap = g.relativeGap === null ? formatDelta(g.gap) : `${formatDelta(g.gap)} (${formatPercent(g.relativeGap)})`;
      return [`${formatValue(g.train, metric)} → ${formatValue(g.eval, metric)}`, g.flagged ? `${gap} ⚠️` : gap];
    }),
  ]);
  const table = markdownTable([head, ...rows], { align: ['l', ...head.slice(1).map(() => 'r' as const)] });
  const flagged = gaps.filter((g) => g.flagged && g.model === 'candidate').length;
  const lead = flagged > 0 ? `${flagged} metric${flagged === 1 ? '' : 's'} of the candidate beyond the allowed gap.` : 'No metric of the candidate beyond the allowed gap.';
  return `### Generalisation (training → evaluation)\n\n${lead} The gap is how much worse evaluation is than training; ⚠️ marks a relative gap above max-gap (default 10 % for metrics in [0, 1]).\n\n${details('Gaps per model', table)}`;
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

function checksSection(e: Evaluation): string {
  const rows = e.gate.checks.map((c) => [
    c.metric,
    formatValue(c.value, c.metric),
    c.min !== undefined ? `≥ ${c.min}` : '',
    c.max !== undefined ? `≤ ${c.max}` : '',
    STATUS_ICON[c.status],
  ]);
  return '### Thresholds on the candidate\n\n' + markdownTable([['Metric', 'candidate', 'min', 'max', 'status'], ...rows], { align: ['l', 'r', 'r', 'r', 'c'] });
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
  const rows = m.reliability!.filter((b) => b.count > 0).map((b) => [
    `${formatValue(b.lower)}–${formatValue(b.upper)}`,
    String(b.count),
    formatValue(b.confidence),
    formatValue(b.accuracy),
    formatDelta(b.accuracy - b.confidence),
  ]);
  const what = task === 'binary' ? 'P(positive)' : 'top-label confidence';
  return (
    `${what} in 15 equal-width bins, as torchmetrics bins them; ece = ${formatValue(m.metrics.ece?.value)}, mce = ${formatValue(m.metrics.mce?.value)}.\n\n` +
    markdownTable([['bin', 'rows', 'mean confidence', observed, 'gap'], ...rows], { align: ['l', 'r', 'r', 'r', 'r'] })
  );
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
