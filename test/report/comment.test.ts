import { gate } from '../../src/analysis/compare.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import { changelogEntry } from '../../src/report/changelog.js';
import { renderComment } from '../../src/report/comment.js';
import { jsonReport } from '../../src/report/json.js';
import type { ModelMeasurement } from '../../src/types.js';

const m = (name: string, role: ModelMeasurement['role'], metrics: Record<string, number>, sha = 'a'.repeat(64)): ModelMeasurement => ({
  name,
  role,
  path: `/w/models/${name}/model.json`,
  engine: 'tfjs layers model',
  backend: 'wasm (SIMD)',
  files: role === 'dummy' ? [] : [{ path: `/w/models/${name}/model.json`, sha256: sha, bytes: 10 }],
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value }])),
  confusion: { labels: ['<b>no</b>', 'yes|@admin'], counts: [[5, 1], [2, 7]] },
});

function evaluation(models: ModelMeasurement[]): Evaluation {
  return { task: 'binary', classes: ['<b>no</b>', 'yes|@admin'], data: { path: '/w/data/eval.csv', rows: 15 }, models, gate: gate('binary', models, { accuracy: { min: 0.5, maxDrop: 0.01, severity: 'fail' } }) };
}

const hostile = 'evil</details><script>alert(1)</script>|@everyone';
const models = [
  m('candidate', 'candidate', { accuracy: 0.8, log_loss: 0.4, roc_auc: NaN, example_count: 15 }, 'b'.repeat(64)),
  m(hostile, 'baseline', { accuracy: 0.85, log_loss: 0.45, roc_auc: 0.9, example_count: 15 }),
  m('dummy', 'dummy', { accuracy: 0.53, log_loss: 0.69, roc_auc: 0.5, example_count: 15 }),
];
const e = evaluation(models);
const changelog = changelogEntry(e, { date: '2026-11-27' });
const md = renderComment(e, { marker: '<!-- model-gate:comment key=default -->', changelog, version: '0.1.0', runUrl: 'https://github.com/o/r/actions/runs/1' });

test('the header says the verdict; the marker comes first', () => {
  expect(md.startsWith('<!-- model-gate:comment key=default -->\n\n## ❌ model-gate: fail · binary · 15 rows')).toBe(true);
});

test('the full table, collapsed, has Metric | candidate | each real baseline | Δ vs each | status (the dummy is no column)', () => {
  const full = md.slice(md.indexOf('<summary>Every metric'));
  const headerLine = full.split('\n').find((l) => l.startsWith('| Metric'))!;
  const cells = headerLine.split(/(?<!\\)\|/).map((c) => c.trim()).filter(Boolean);
  expect(cells[0]).toBe('Metric');
  expect(cells[1]).toBe('candidate');
  expect(cells).toHaveLength(1 + 1 + 1 + 1 + 1);
  expect(cells[cells.length - 1]).toBe('status');
  const accuracy = full.split('\n').find((l) => l.startsWith('| accuracy'))!;
  // A proportion's delta in percentage points (issue 15: one unit per quantity).
  expect(accuracy).toContain('−5.0 pp 🔴');
  expect(accuracy).toMatch(/❌ \|$/);
  // A missing value renders as an em dash, never NaN.
  const auc = md.split('\n').find((l) => l.startsWith('| roc_auc'))!;
  expect(auc).toContain('—');
  expect(md).not.toContain('NaN');
});

test('user strings cannot inject HTML, mentions or table cells', () => {
  expect(md).not.toContain('<script>');
  expect(md).not.toContain('</details><script>');
  expect(md).not.toContain('@everyone');
  expect(md).not.toContain('@admin');
  expect(md).not.toContain('<b>no</b>');
  // Every table row has the same number of unescaped pipes as its header.
  for (const block of md.split('\n\n').filter((b) => b.startsWith('| '))) {
    const counts = block.split('\n').map((l) => l.split(/(?<!\\)\|/).length);
    expect(new Set(counts).size).toBe(1);
  }
});

test('confusion matrices are collapsed; the changelog entry is fenced; the footer links the run', () => {
  expect(md).toMatch(/<details>\n<summary>Confusion matrices<\/summary>/);
  expect(md).toContain('<details>\n<summary>Changelog entry</summary>\n\n```markdown\n## [Unreleased] - 2026-11-27');
  expect(md).toContain('[workflow run](https://github.com/o/r/actions/runs/1)');
});

test('a run URL that is not http(s) is not linked', () => {
  const bad = renderComment(e, { changelog, version: '0.1.0', runUrl: 'javascript:alert(1)' });
  expect(bad).not.toContain('javascript:');
});

test('changelog: Keep a Changelog heading, model hashes, deltas against the first baseline', () => {
  expect(changelog).toMatch(/^## \[Unreleased\] - 2026-11-27\n\n### Changed\n/);
  expect(changelog).toContain('(sha256 bbbbbbbbbbbb) replaces');
  expect(changelog).toContain('(sha256 aaaaaaaaaaaa)');
  expect(changelog).toContain('Regressed against');
  expect(changelog).toContain('accuracy 0.8500 → 0.8000 (−5.0 pp)');
  expect(changelog).toContain('log_loss 0.4500 → 0.4000 (−0.0500, −11 %)');
  expect(changelog).toContain('Improved against');
  expect(changelog).not.toContain('<script>');
});

test('JSON report: schema v1 shape, NaN as null, statuses per comparison', () => {
  const j = jsonReport(e, changelog, '0.1.0');
  expect(j.schemaVersion).toBe(1);
  expect(j.verdict).toBe('fail');
  expect(j.models[0].metrics.roc_auc).toEqual({ value: null });
  const row = j.comparisons.find((c) => c.metric === 'accuracy' && c.baseline === hostile)!;
  expect(row).toMatchObject({ candidate: 0.8, baselineValue: 0.85, status: 'fail', change: 'regressed' });
  expect(row.delta).toBeCloseTo(-0.05, 12);
  expect(row.relativeDelta).toBeCloseTo(-0.05 / 0.85, 12);
  expect(JSON.parse(JSON.stringify(j))).toEqual(j);
});

test('an evaluation with no models renders its errors', () => {
  const broken: Evaluation = { data: { path: 'x.csv', rows: 0 }, models: [], gate: gate('binary', [], {}, [{ kind: 'data_error', severity: 'error', message: 'x.csv:3:1: bad <row>' }]) };
  const out = renderComment(broken, { changelog: changelogEntry(broken, { date: '2026-01-01' }), version: '0.1.0' });
  expect(out).toContain('## ❌ model-gate: fail');
  expect(out).toContain('- ❌ x.csv:3:1: bad &lt;row&gt;');
});
