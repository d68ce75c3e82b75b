// The comment's first screen (issue 15, item 7): the verdict, why in plain sentences, a compact table of
// the primary metrics, a one-line no-skill check; everything else collapsed. Units: percentage points for
// proportions. Built on the real gate (compare.ts) and the real calibration kernel; the demo runs for real.

import { gate, type Uncertainties } from '../../src/analysis/compare.js';
import { main } from '../../src/cli.js';
import { calibration } from '../../src/metrics/calibration.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import { changelogEntry } from '../../src/report/changelog.js';
import { messageMarkdown, renderComment } from '../../src/report/comment.js';
import type { Thresholds } from '../../src/settings/thresholds.js';
import type { ModelMeasurement } from '../../src/types.js';
import { capture } from '../support/capture.js';

const model = (name: string, role: ModelMeasurement['role'], metrics: Record<string, number>): ModelMeasurement => ({
  name,
  role,
  path: role === 'dummy' ? 'prior of the evaluation data' : `/w/models/${name}/model.json`,
  engine: role === 'dummy' ? 'dummy' : 'tfjs layers model',
  backend: 'wasm (SIMD)',
  files: [],
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value }])),
});

const good = { accuracy: 0.8, roc_auc: 0.9, log_loss: 0.4, ece: 0.05, example_count: 500 };
const dummy = model('dummy', 'dummy', { accuracy: 0.5, roc_auc: 0.5, log_loss: 0.69, ece: 0.01, example_count: 500 });

function evaluation(models: ModelMeasurement[], thresholds: Thresholds = {}, u: Uncertainties = {}): Evaluation {
  const bootstrapped = Object.keys(u).length > 0;
  return {
    task: 'binary',
    data: { path: '/w/data/eval.csv', rows: 500 },
    dummyFitOn: 'evaluation data',
    models,
    gate: gate('binary', models, thresholds, [], u),
    uncertainty: bootstrapped ? { method: 'percentile', resamples: 1000, confidence: 0.95, seed: 0, accuracyTest: "McNemar's exact test" } : undefined,
  };
}

const render = (e: Evaluation) => renderComment(e, { changelog: changelogEntry(e, { date: '2026-12-02' }), version: '0.1.0' });

/** The lines of the comment from its header on, the index of the first line after the reasons, and of the first <details>. */
function layout(md: string) {
  const lines = md.split('\n');
  const header = lines.findIndex((l) => /^## .* model-gate: (pass|warn|fail)/.test(l));
  let end = header + 1;
  while (end < lines.length && (lines[end] === '' || lines[end].startsWith('- '))) end++;
  // Back over the blank line that ends the list: `end` is one past the last reason.
  while (lines[end - 1] === '') end--;
  const firstDetails = lines.findIndex((l) => l === '<details>');
  const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
  const headCells = (t: string) => t.split('\n')[0].split(/(?<!\\)\|/).map((c) => c.trim()).filter(Boolean);
  return { lines, header, reasonsEnd: end, firstDetails, tables, headCells, reasons: lines.slice(header + 1, end).filter((l) => l.startsWith('- ')) };
}

test('the demo: verdict and reasons within 10 lines, the first <details> within 25, no dummy column, a no-skill line', async () => {
  const c = capture();
  const code = await main(['demo', '-q']).finally(c.restore);
  expect(code).toBe(0);
  const md = c.out.join('');
  const { header, reasonsEnd, firstDetails, tables, headCells, reasons } = layout(md);
  expect(header).toBe(0);
  expect(reasons.length).toBeGreaterThan(0);
  expect(reasonsEnd - header).toBeLessThanOrEqual(10);
  expect(firstDetails).toBeGreaterThan(reasonsEnd);
  expect(firstDetails).toBeLessThan(25);
  // The first table, before any <details>, is the compact one: candidate, main, production and a Δ for each.
  const first = headCells(tables[0]);
  expect(first).toEqual(['Metric', 'candidate', 'main', 'production', 'Δ vs main', 'Δ vs production']);
  expect(md.indexOf(tables[0])).toBeLessThan(md.indexOf('<details>'));
  for (const t of tables) expect(headCells(t)).not.toContain('dummy');
  expect(md).toMatch(/\n✅ Beats the dummy \(prior of the training data\) on log_loss: 0\.\d{4} vs 0\.\d{4}\.\n/);
});

test('a failed threshold and a significant regression of a primary metric are the reasons, each said once, in pp', () => {
  const cand = model('candidate', 'candidate', { ...good, accuracy: 0.7, roc_auc: 0.87 });
  const main_ = model('main', 'baseline', good);
  const u: Uncertainties = {
    main: {
      roc_auc: { ci: [-0.05, -0.01], pValue: 0.001, alpha: 0.05 },
      accuracy: { ci: [-0.15, -0.05], pValue: 0.001, alpha: 0.05 },
      log_loss: { ci: [-0.01, 0.01], pValue: 0.9, alpha: 0.05 },
    },
  };
  // A bound alone would not test accuracy's difference (compare.ts verdictMetrics); its min-effect does.
  const e = evaluation([cand, main_, dummy], { accuracy: { min: 0.75, severity: 'fail', minEffect: 0.005 } }, u);
  expect(e.gate.verdict).toBe('fail');
  const md = render(e);
  const { reasons } = layout(md);
  expect(reasons[0]).toBe('- ❌ accuracy 0.7000 is below min 0.75.');
  // roc_auc is primary (direction.ts): its significant regression, beyond the 0.5 pp minimum effect, warns.
  expect(reasons).toContain('- ⚠️ roc_auc 0.8700 is significantly worse than **main** 0.9000 (−3.0 pp [−5.0, −1.0]); the minimum effect is 0.5 pp; one-sided family test p = 0.0015.');
  // accuracy is not primary, but its threshold judges the difference (min-effect), so it joins the family
  // (Holm over the one-sided p-values here, without replicates) and its significant regression counts too.
  expect(reasons).toContain('- ⚠️ accuracy 0.7000 is significantly worse than **main** 0.8000 (−10.0 pp [−15.0, −5.0]); the minimum effect is 0.5 pp; one-sided family test p = 0.0015.');
  // The gate's own wording of the breach ("accuracy is 0.7, below min 0.75.") is not repeated.
  expect(reasons).toHaveLength(3);
  expect(md.match(/below min/g)).toHaveLength(2); // the reason, and the Findings list under <details>
  // The first table marks a metric that is not primary.
  expect(md).toMatch(/\| accuracy¹ +\| +0\.7000 \| +0\.8000 \| +−10\.0 pp \[−15\.0, −5\.0\] 🔴 \|/);
});

test('a passing gate says so in one line; the dummy is a line, with the scoring rule', () => {
  const e = evaluation([model('candidate', 'candidate', good), model('main', 'baseline', good), dummy]);
  const md = render(e);
  expect(layout(md).reasons).toEqual(['- ✅ No threshold is breached and no primary metric got significantly worse.']);
  expect(md).toContain('\n✅ Beats the dummy (prior of the evaluation data) on log_loss: 0.4000 vs 0.6900.\n');
});

test('three baselines: one row per metric and baseline, so the table keeps 5 columns', () => {
  const e = evaluation([
    model('candidate', 'candidate', good),
    model('main', 'baseline', { ...good, roc_auc: 0.88 }),
    model('production', 'baseline', { ...good, roc_auc: 0.85 }),
    model('last-release', 'baseline', { ...good, roc_auc: 0.86 }),
    dummy,
  ]);
  const { tables, headCells } = layout(render(e));
  expect(headCells(tables[0])).toEqual(['Metric', 'candidate', 'baseline', 'its value', 'Δ']);
  const rows = tables[0].split('\n').slice(2);
  // roc_auc and log_loss (the binary primary metrics) × 3 baselines.
  expect(rows).toHaveLength(6);
  expect(rows[0]).toMatch(/^\| roc_auc +\| +0\.9000 \| main +\| +0\.8800 \| +\+2\.0 pp 🟢 \|$/);
  expect(rows[1]).toMatch(/^\| +\| +\| production +\| +0\.8500 \|/);
});

test('McNemar and the interval disagree: no change is called, and the dagger says why', () => {
  const cand = model('candidate', 'candidate', { ...good, accuracy: 0.83 });
  // Interval above 0, McNemar's p above α (compare.ts: a change needs both).
  const u: Uncertainties = { main: { accuracy: { ci: [0.002, 0.058], pValue: 0.08, alpha: 0.05 } } };
  const e = evaluation([cand, model('main', 'baseline', good), dummy], { accuracy: { min: 0.5, severity: 'fail' } }, u);
  const row = e.gate.comparisons.find((c) => c.metric === 'accuracy' && c.baseline === 'main')!;
  expect(row.change).toBe('no significant change');
  const md = render(e);
  expect(md).toMatch(/\| accuracy¹ +\| +0\.8300 \| +0\.8000 \| +\+3\.0 pp \[\+0\.2, \+5\.8\] † \|/);
  expect(md).toContain("† the interval excludes 0 but the p-value does not (McNemar's exact test for accuracy): a change is called only when both agree");
});

test('calibration: the point bin at exactly 1 is named as such, not as a 16th of "15 bins"', () => {
  // Scores of exactly 1 fall into torchmetrics' extra point bin (calibration.ts); 0.5 and 0.97 into bins 7 and 14.
  const y = [1, 1, 0, 1, 0, 1];
  const p = Float64Array.from([1, 1, 0.5, 0.97, 0.97, 0.5]);
  const table = calibration(y, p, { task: 'binary' }).table;
  expect(table).toHaveLength(16);
  const cand: ModelMeasurement = { ...model('candidate', 'candidate', good), reliability: table };
  const md = render(evaluation([cand, model('main', 'baseline', good), dummy]));
  const section = md.slice(md.indexOf('<summary>Calibration'));
  expect(section).toContain('P(positive) in 15 equal-width bins as torchmetrics bins them, and 2 rows at exactly 1 in a point bin of their own');
  expect(section).toMatch(/\| exactly 1 +\| +2 \| +1\.000 \| +1\.000 \| +±0\.0 pp \|/);
  expect(section).toMatch(/\| \[0\.9333, 1\.000\) +\| +2 \| +0\.9700 \| +0\.5000 \| +−47\.0 pp \|/);
  expect(section).not.toContain('1.000–1.000');
});

test('backticks in a finding message render as code, not as escaped literal backticks', () => {
  // A threshold on latency without perf: compare.ts says "... measured only with `perf: true`".
  const e = evaluation([model('candidate', 'candidate', good), model('main', 'baseline', good), dummy], { latency_p95_ms: { max: 10, severity: 'fail' } });
  const md = render(e);
  expect(md).toContain('measured only with `perf: true`)');
  expect(md).not.toContain('\\`');
  // A span of anything but plain setting text (an untrusted value's backtick pairing with ours) is escaped
  // like the rest, and an unpaired backtick stays a literal, escaped one.
  expect(messageMarkdown('set `inputs: { a: [x, y] }` or `a<b>|@x` and `c')).toBe('set `inputs: { a: [x, y] }` or \\`a&lt;b&gt;\\|&#64;x\\` and \\`c');
});

test('proportions change in percentage points everywhere: the full table, the changelog', () => {
  const cand = model('candidate', 'candidate', { ...good, accuracy: 0.75, log_loss: 0.46 });
  const e = evaluation([cand, model('main', 'baseline', good), dummy]);
  const md = render(e);
  const full = md.slice(md.indexOf('<summary>Every metric'));
  expect(full).toMatch(/\| accuracy +\| +0\.7500 \| +0\.8000 \| +−5\.0 pp 🔴 \|/);
  // Unbounded metrics keep their own unit and a relative change.
  expect(full).toMatch(/\| log_loss +\| +0\.4600 \| +0\.4000 \| +\+0\.0600 \(\+15 %\) 🔴 \|/);
  const changelog = changelogEntry(e, { date: '2026-12-02' });
  expect(changelog).toContain('accuracy 0.8000 → 0.7500 (−5.0 pp)');
  expect(changelog).toContain('log_loss 0.4000 → 0.4600 (+0.0600, +15 %)');
});

test('a regression against several baselines is one sentence; a breached drop rule gives its own reason', () => {
  const cand = model('candidate', 'candidate', { ...good, roc_auc: 0.87, log_loss: 0.5 });
  const sig = { roc_auc: { ci: [-0.05, -0.01] as [number, number], pValue: 0.001, alpha: 0.05 } };
  const e = evaluation(
    [cand, model('main', 'baseline', good), model('production', 'baseline', { ...good, roc_auc: 0.91 }), dummy],
    { log_loss: { maxDrop: 0.05, severity: 'fail' } },
    { main: sig, production: { roc_auc: { ci: [-0.06, -0.02], pValue: 0.001, alpha: 0.05 } } },
  );
  const { reasons } = layout(render(e));
  expect(reasons.filter((r) => r.includes('roc_auc'))).toEqual([
    '- ⚠️ roc_auc 0.8700 is significantly worse than **main** 0.9000 (−3.0 pp [−5.0, −1.0]) and **production** 0.9100 (−4.0 pp [−6.0, −2.0]); the minimum effect is 0.5 pp; one-sided family test p = 0.0010, 0.0010.',
  ]);
  // compare.ts words the breach "worse by 0.1, more than max-drop 0.05"; log_loss has no interval here (point estimate).
  expect(reasons.filter((r) => r.includes('log_loss'))).toEqual([
    '- ❌ log_loss against **main**: 0.5000 vs 0.4000 (+0.1000): worse by 0.1, more than max-drop 0.05.',
    '- ❌ log_loss against **production**: 0.5000 vs 0.4000 (+0.1000): worse by 0.1, more than max-drop 0.05.',
  ]);
  expect(reasons[0]).toMatch(/^- ❌/);
});

test('an unreliable operating point is marked in the full table with why; gaps are in pp with their interval', () => {
  const cand = model('candidate', 'candidate', { ...good, recall_at_fpr: 0.65 });
  cand.metrics.recall_at_fpr.unreliable = '42 negatives cannot resolve a false-positive rate of 1 %';
  const e = evaluation([cand, model('main', 'baseline', { ...good, recall_at_fpr: 0.6 }), dummy]);
  e.gaps = [
    { model: 'candidate', metric: 'accuracy', train: 0.9, eval: 0.8, gap: 0.1, relativeGap: 0.111, ci: [0.05, 0.15], tested: true, flagged: false },
    { model: 'candidate', metric: 'log_loss', train: 0.1, eval: 0.4, gap: 0.3, relativeGap: null, ci: [0.2, 0.4], tested: true, flagged: true },
  ];
  const md = render(e);
  expect(md).toMatch(/\| recall_at_fpr ⚠️ +\| +0\.6500 \|/);
  // Found in review: its +5 pp still carried 🟢 (here: better on the point estimate). An unresolvable point gets no mark.
  const row = md.split('\n').find((l) => l.startsWith('| recall_at_fpr ⚠️'))!;
  expect(row).toContain('+5.0 pp');
  expect(row).not.toMatch(/🟢|🔴/);
  expect(md).toContain('- ⚠️ recall_at_fpr is unreliable: 42 negatives cannot resolve a false-positive rate of 1 %');
  // Absolute gaps: pp for a proportion, the metric's unit otherwise; no relative "+11 %".
  expect(md).toMatch(/\| accuracy +\| +0\.9000 → 0\.8000 \| +\+10\.0 pp \[\+5\.0, \+15\.0\] \|/);
  expect(md).toMatch(/\| log_loss +\| +0\.1000 → 0\.4000 \| +\+0\.3000 \[\+0\.2000, \+0\.4000\] ⚠️ \|/);
});

test('many reasons: at most seven are listed, the rest counted, so verdict and reasons keep within 10 lines', () => {
  const metrics = { accuracy: 0.6, roc_auc: 0.6, log_loss: 0.4, ece: 0.05, brier: 0.3, precision: 0.5, recall: 0.5, f1: 0.5, pr_auc: 0.5, balanced_accuracy: 0.5 };
  const thresholds: Thresholds = Object.fromEntries(
    Object.keys(metrics).map((k) => [k, k === 'log_loss' || k === 'ece' || k === 'brier' ? { max: 0.01, severity: 'fail' as const } : { min: 0.99, severity: 'fail' as const }]),
  );
  const e = evaluation([model('candidate', 'candidate', metrics), model('main', 'baseline', metrics), dummy], thresholds);
  const md = render(e);
  const { header, reasonsEnd, reasons, firstDetails } = layout(md);
  expect(reasons).toHaveLength(8);
  expect(reasons[7]).toBe('- … and 3 more under Findings below.');
  expect(reasonsEnd - header).toBeLessThanOrEqual(10);
  expect(firstDetails).toBeLessThan(25 + 10); // ten primary-table rows here (every metric has a threshold)
  expect(md).toMatch(/<summary>Findings \(10\)<\/summary>/);
});

test('a significant but negligible change is marked ≈, and a tiny delta is not printed as ±0.0', () => {
  // The fraud case of issue 15 in small: an ece rise of 0.045 percentage points (0.065 there), significant, below the 0.5 pp minimum effect.
  const cand = model('candidate', 'candidate', { ...good, ece: 0.05045 });
  const u: Uncertainties = { main: { ece: { ci: [0.0002, 0.0011], pValue: 0.001, alpha: 0.05 } } };
  const e = evaluation([cand, model('main', 'baseline', good), dummy], {}, u);
  const ece = e.gate.comparisons.find((c) => c.metric === 'ece' && c.baseline === 'main')!;
  expect(ece).toMatchObject({ change: 'regressed', negligible: true, status: 'pass' });
  const md = render(e);
  expect(md).toMatch(/\| ece +\| +0\.0505 \| +0\.0500 \| +\+0\.045 pp \[\+0\.02, \+0\.1\] ≈ \|/);
  expect(md).toContain('≈ significant, but within the minimum effect');
  expect(e.gate.verdict).toBe('pass');
});

test('a 🔴 primary metric whose two-sided interval reaches 0 is explained: the one-sided family test decided it', () => {
  // Found in review: "significantly worse" beside [−2.73, +0.04] with no word on why.
  const cand = model('candidate', 'candidate', { ...good, roc_auc: 0.8859 });
  const u: Uncertainties = { main: { roc_auc: { ci: [-0.0273, 0.0004], pValue: 0.059, alpha: 0.05, familyPValue: 0.03 } } };
  const md = render(evaluation([cand, model('main', 'baseline', good), dummy], {}, u));
  expect(md).toContain('its two-sided interval may reach 0');
  expect(md).toMatch(/roc_auc 0\.8859 is significantly worse than \*\*main\*\* 0\.9000 .*one-sided family test p = 0\.0300/);
});
