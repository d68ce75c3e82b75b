// The monitor run's own pure parts: what the report and the retraining payload show of paths and reasons.

import { jest } from '@jest/globals';
import { ActionOutput } from '../../src/publish/action-output.js';
import { retrainPayload, verdictLine, withRelativePaths } from '../../src/monitor/run.js';
import { judge } from '../../src/monitor/result.js';

const result = judge({
  at: '2026-11-02T03:00:00.000Z',
  model: '/home/runner/work/repo/repo/models/prod.onnx',
  notes: [],
  findings: [],
  labelled: { path: '/home/runner/work/repo/repo/data/l.csv', rows: 10, gate: 'fail', metrics: { roc_auc: 0.7 }, failedGates: [{ metric: 'roc_auc', value: 0.7, min: 0.8 }], gateFindings: [] },
  drift: {
    share: 0.6,
    datasetDrift: true,
    limit: 0.5,
    drifted: Array.from({ length: 150 }, (_, i) => `f${i}`),
    compared: 250,
    reference: { path: '/home/runner/work/repo/repo/data/ref.csv', rows: 5 },
    current: { path: '/tmp/elsewhere/cur.csv', rows: 5 },
  },
});

test('paths inside the workspace are shown relative to it, others as they are', () => {
  const r = withRelativePaths(result, '/home/runner/work/repo/repo');
  expect(r.model).toBe('models/prod.onnx');
  expect(r.labelled!.path).toBe('data/l.csv');
  expect(r.drift!.reference.path).toBe('data/ref.csv');
  expect(r.drift!.current.path).toBe('/tmp/elsewhere/cur.csv');
});

test('the retraining payload: at most 10 properties, lists capped, the reasons in one line', () => {
  const p = retrainPayload(result, 'https://github.com/o/r/actions/runs/7', 'https://github.com/o/r/issues/3');
  expect(Object.keys(p).length).toBeLessThanOrEqual(10);
  expect(p).toMatchObject({
    model: result.model,
    failed_gates: [{ metric: 'roc_auc', value: 0.7, min: 0.8 }],
    drift_share: 0.6,
    run_url: 'https://github.com/o/r/actions/runs/7',
    issue_url: 'https://github.com/o/r/issues/3',
  });
  expect(p.drifted_features).toHaveLength(100);
  expect(p.reason).toBe('gate failed: roc_auc is 0.7 (min 0.8); dataset drift: 150 of 250 features drifted (share 0.600, limit 0.5): ' + Array.from({ length: 30 }, (_, i) => `f${i}`).join(', ') + ' and 120 more');
});

describe('an injected column name', () => {
  const NAME = 'b\n::warning title=X::INJECTED ##[error]legacy';
  const drifted = judge({
    at: '2026-11-02T03:00:00.000Z',
    model: 'models/prod.onnx',
    notes: [],
    findings: [],
    drift: { share: 1, datasetDrift: true, limit: 0.5, drifted: [NAME], compared: 1, reference: { path: 'r.csv', rows: 5 }, current: { path: 'c.csv', rows: 5 } },
  });

  test('is escaped onto one line in the reasons', () => {
    expect(drifted.reasons).toEqual(['dataset drift: 1 of 1 features drifted (share 1.000, limit 0.5): b\\n::warning title=X::INJECTED ##[error]legacy']);
    expect(verdictLine(drifted)).not.toMatch(/\n/);
  });

  test('prints no line that starts a workflow command', () => {
    const lines = captureStdout(() => new ActionOutput().log.info(verdictLine(drifted)));
    expect(lines.some((l) => /^\s*::/.test(l))).toBe(false);
    expect(lines.join('\n')).not.toContain('##[');
    expect(lines.join('\n')).toContain('model-gate monitor: degraded');
  });
});

function captureStdout(fn: () => void): string[] {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('').split(/\r?\n/);
}
