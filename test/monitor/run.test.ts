// The monitor run's own pure parts: what the report and the retraining payload show of paths and reasons.

import { retrainPayload, withRelativePaths } from '../../src/monitor/run.js';
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
