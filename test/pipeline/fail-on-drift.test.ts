// `fail-on: drift` follows the drift decision alone (issue 15): the data_drift finding (share of
// drifted features ≥ drift-share, after the corrected tests). Before, every drift-flavoured finding
// was escalated: a PSI shift the tests did not confirm and the candidate's own prediction drift
// failed a run in which 0 of 7 features drifted.
import { escalate, stepFails, type Evaluation } from '../../src/pipeline/evaluate.js';
import type { Finding } from '../../src/types.js';

const findings: Finding[] = [
  { kind: 'data_drift', severity: 'warning', message: 'dataset drift: 3 of 5 features', features: ['a', 'b', 'c'] },
  { kind: 'feature_drift', severity: 'warning', message: '1 of 5 features drifted', features: ['a'] },
  { kind: 'new_categories', severity: 'warning', message: 'new categories', features: ['w'] },
  { kind: 'label_drift', severity: 'warning', message: 'prior shift', features: ['y'] },
  { kind: 'psi_shift', severity: 'info', message: 'PSI ≥ 0.25', features: ['b'] },
  { kind: 'prediction_drift', severity: 'info', message: 'outputs differ' },
];

const evaluation = (f: Finding[]): Evaluation => ({
  data: { path: 'd.csv', rows: 1 },
  models: [],
  gate: { comparisons: [], checks: [], findings: f, verdict: f.some((x) => x.severity === 'error') ? 'fail' : f.some((x) => x.severity === 'warning') ? 'warn' : 'pass' },
});

test('fail-on drift escalates the data_drift decision and nothing else', () => {
  const escalated = escalate(findings, ['drift']);
  expect(escalated.map((f) => [f.kind, f.severity])).toEqual([
    ['data_drift', 'error'],
    ['feature_drift', 'warning'],
    ['new_categories', 'warning'],
    ['label_drift', 'warning'],
    ['psi_shift', 'info'],
    ['prediction_drift', 'info'],
  ]);
  expect(stepFails(evaluation(escalated), ['drift'])).toBe(true);
  // The same run without the decision: warnings and information only, so the step passes.
  expect(stepFails(evaluation(escalate(findings.slice(1), ['drift'])), ['drift'])).toBe(false);
  // Not listed: the decision warns, and `fail-on: regression` does not fail on it.
  expect(stepFails(evaluation(escalate(findings, ['regression'])), ['regression'])).toBe(false);
});
