import { compareOne, checkBounds, gate, verdictOf } from '../../src/analysis/compare.js';
import type { ModelMeasurement } from '../../src/types.js';

const model = (name: string, role: ModelMeasurement['role'], metrics: Record<string, number>): ModelMeasurement => ({
  name,
  role,
  path: name,
  engine: 'test',
  backend: 'none',
  files: [],
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value }])),
});

describe('compareOne', () => {
  test('direction-aware: lower log loss is an improvement', () => {
    const c = compareOne('log_loss', 0.2, 0.3, undefined, 'main');
    expect(c.change).toBe('improved');
    expect(c.delta).toBeCloseTo(-0.1, 15);
    expect(c.relativeDelta).toBeCloseTo(-1 / 3, 15);
    expect(c.status).toBe('pass');
  });
  test('a regression without thresholds warns; beyond max-drop it fails', () => {
    expect(compareOne('accuracy', 0.9, 0.91, undefined, 'main').status).toBe('warn');
    expect(compareOne('accuracy', 0.9, 0.91, { maxDrop: 0.02, severity: 'fail' }, 'main').status).toBe('warn');
    const breach = compareOne('accuracy', 0.88, 0.91, { maxDrop: 0.02, severity: 'fail' }, 'main');
    expect(breach.status).toBe('fail');
    // A proportion's worsening in percentage points, as everywhere in the report (issue 15).
    expect(breach.reason).toBe('worse by 3 pp, more than max-drop 0.02 (2 pp)');
  });
  test('max-relative-drop measures the worsening against |baseline|, for lower-is-better too', () => {
    expect(compareOne('log_loss', 0.33, 0.3, { maxRelativeDrop: 0.05, severity: 'fail' }, 'b').status).toBe('fail');
    expect(compareOne('log_loss', 0.31, 0.3, { maxRelativeDrop: 0.05, severity: 'fail' }, 'b').status).toBe('warn');
    expect(compareOne('r2', -0.1, 0, { maxRelativeDrop: 0.5, severity: 'warn' }, 'b').status).toBe('warn');
  });
  test('exactly at the allowed drop passes the threshold (float noise tolerated)', () => {
    expect(compareOne('accuracy', 0.89, 0.91, { maxDrop: 0.02, severity: 'fail' }, 'main').status).toBe('warn');
  });
  test('NaN, Infinity and missing values show as missing, never crash', () => {
    for (const [a, b] of [[NaN, 0.5], [0.5, undefined], [Infinity, 0.5], [0.5, -Infinity]] as const) {
      const c = compareOne('roc_auc', a, b, { maxDrop: 0, severity: 'fail' }, 'main');
      expect(c).toMatchObject({ status: 'missing', change: 'missing', delta: null });
    }
  });
  test('identical values are unchanged', () => {
    expect(compareOne('mse', 1.5, 1.5, undefined, 'b').change).toBe('unchanged');
  });
});

describe('checkBounds', () => {
  test('min and max on the candidate', () => {
    expect(checkBounds('accuracy', 0.79, { min: 0.8, severity: 'fail' })?.status).toBe('fail');
    expect(checkBounds('log_loss', 0.6, { max: 0.5, severity: 'warn' })?.status).toBe('warn');
    expect(checkBounds('accuracy', 0.8, { min: 0.8, severity: 'fail' })?.status).toBe('pass');
    expect(checkBounds('accuracy', NaN, { min: 0.8, severity: 'fail' })?.status).toBe('missing');
    expect(checkBounds('accuracy', 0.8, { maxDrop: 0.1, severity: 'fail' })).toBeUndefined();
  });
});

describe('gate', () => {
  const dummy = model('dummy', 'dummy', { log_loss: 0.69, accuracy: 0.55, example_count: 100 });
  test('pass when nothing regressed; example_count is not compared', () => {
    const g = gate('binary', [model('candidate', 'candidate', { log_loss: 0.3, accuracy: 0.9, example_count: 100 }), model('main', 'baseline', { log_loss: 0.35, accuracy: 0.88, example_count: 100 }), dummy], {});
    expect(g.verdict).toBe('pass');
    expect(g.comparisons.map((c) => `${c.baseline}:${c.metric}`)).toEqual(['main:log_loss', 'main:accuracy', 'dummy:log_loss', 'dummy:accuracy']);
  });
  test('a candidate that does not beat the dummy on log loss fails with a no_skill finding', () => {
    const g = gate('binary', [model('candidate', 'candidate', { log_loss: 0.7, accuracy: 0.6 }), dummy], {});
    expect(g.verdict).toBe('fail');
    expect(g.findings.map((f) => f.kind)).toEqual(['no_skill']);
  });
  test('thresholds apply to real baselines, not to the dummy', () => {
    const g = gate('binary', [model('candidate', 'candidate', { log_loss: 0.3, accuracy: 0.6 }), dummy], { accuracy: { maxDrop: 0, severity: 'fail' } });
    expect(g.comparisons.find((c) => c.metric === 'accuracy')!.status).toBe('pass');
  });
  test('a baseline missing a metric shows missing and does not change the verdict', () => {
    const g = gate('binary', [model('candidate', 'candidate', { log_loss: 0.3, roc_auc: 0.9 }), model('old', 'baseline', { log_loss: 0.4, roc_auc: NaN }), dummy], {});
    expect(g.comparisons.find((c) => c.baseline === 'old' && c.metric === 'roc_auc')!.status).toBe('missing');
    expect(g.verdict).toBe('pass');
  });
  test('verdict: errors fail, warnings warn', () => {
    expect(verdictOf([], [], [{ kind: 'x', severity: 'warning', message: '' }])).toBe('warn');
    expect(verdictOf([], [], [{ kind: 'x', severity: 'error', message: '' }])).toBe('fail');
    expect(verdictOf([], [], [{ kind: 'x', severity: 'info', message: '' }])).toBe('pass');
  });
});

describe('fail closed: a threshold or the dummy check that cannot run is a failure', () => {
  const dummy = model('dummy', 'dummy', { mse: 53.4, r2: 0 });
  const errors = (g: ReturnType<typeof gate>) => g.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  test('a threshold on a metric the candidate has as NaN or Infinity fails, naming it; if-missing: warn only warns', () => {
    for (const value of [NaN, Infinity]) {
      const g = gate('regression', [model('candidate', 'candidate', { mse: 10, r2: value }), dummy], { r2: { min: 0.5, severity: 'fail' } });
      expect(g.verdict).toBe('fail');
      expect(errors(g)).toEqual([
        `r2 has a threshold, but the candidate's r2 is ${Number.isNaN(value) ? 'undefined on this data (NaN)' : 'Infinity'}, so it could not be checked. An unchecked threshold fails the gate; add "if-missing: warn" to it to warn instead.`,
      ]);
      const lenient = gate('regression', [model('candidate', 'candidate', { mse: 10, r2: value }), dummy], { r2: { min: 0.5, severity: 'fail', ifMissing: 'warn' } });
      expect(lenient.verdict).toBe('warn');
      expect(lenient.findings).toEqual([{ kind: 'threshold', severity: 'warning', message: expect.stringMatching(/^r2 has a threshold, but .* so it could not be checked\.$/) }]);
    }
  });
  test('a drop-only threshold on a metric never measured fails too (it used to be skipped without a word)', () => {
    const g = gate('regression', [model('candidate', 'candidate', { mse: 10 }), model('main', 'baseline', { mse: 11 }), dummy], { latency_p95_ms: { maxDrop: 5, severity: 'fail' } });
    expect(errors(g)).toEqual([expect.stringMatching(/^latency_p95_ms has a threshold, but the candidate has no latency_p95_ms \(latency and throughput are measured only with `perf: true`\), so it could not be checked\./)]);
  });
  test('the no-skill check that cannot run fails: the primary metric missing on either side', () => {
    const nan = gate('regression', [model('candidate', 'candidate', { mse: NaN, r2: 0.7 }), dummy], {});
    expect(nan.verdict).toBe('fail');
    expect(nan.findings).toEqual([
      { kind: 'no_skill', severity: 'error', message: 'The candidate cannot be compared with the dummy baseline (predicting the mean) on mse: undefined on this data (NaN) against 53.4, so nothing shows it has learned anything usable.' },
    ]);
    expect(nan.comparisons.find((c) => c.baseline === 'dummy' && c.metric === 'mse')).toMatchObject({ status: 'fail', change: 'missing' });
    const absent = gate('regression', [model('candidate', 'candidate', { r2: 0.7 }), dummy], {});
    expect(absent.findings.map((f) => [f.kind, f.severity])).toEqual([['no_skill', 'error']]);
    expect(absent.findings[0].message).toContain('on mse: not measured against 53.4');
    const dummyNaN = gate('regression', [model('candidate', 'candidate', { mse: 10, r2: 0.7 }), model('dummy', 'dummy', { mse: NaN, r2: 0 })], {});
    expect(dummyNaN.verdict).toBe('fail');
  });
  test('without a dummy model (unit use) there is no no-skill check to miss', () => {
    expect(gate('regression', [model('candidate', 'candidate', { mse: 10 }), model('main', 'baseline', { mse: 11 })], {}).verdict).toBe('pass');
  });
  test('ci-max-drop without an interval fails (if-missing: warn warns); with one it is checked as before', () => {
    const noInterval = compareOne('accuracy', 0.91, 0.9, { ciMaxDrop: 0.02, severity: 'fail' }, 'main');
    expect(noInterval).toMatchObject({ status: 'fail', reason: 'no confidence interval for the delta (is `bootstrap` 0?), so ci-max-drop could not be checked' });
    expect(compareOne('accuracy', 0.91, 0.9, { ciMaxDrop: 0.02, severity: 'fail', ifMissing: 'warn' }, 'main').status).toBe('warn');
    // A max-drop breach keeps its own reason and severity.
    expect(compareOne('accuracy', 0.8, 0.9, { ciMaxDrop: 0.02, maxDrop: 0.05, severity: 'fail', ifMissing: 'warn' }, 'main')).toMatchObject({ status: 'fail', reason: 'worse by 10 pp, more than max-drop 0.05 (5 pp)' });
    expect(compareOne('accuracy', 0.91, 0.9, { ciMaxDrop: 0.02, severity: 'fail' }, 'main', { ci: [-0.01, 0.03], pValue: 0.3, alpha: 0.05 }).status).toBe('pass');
  });
});

describe('gating on uncertainty', () => {
  const u = (ci: [number, number], pValue: number) => ({ ci, pValue, alpha: 0.05 });
  test('a non-significant drop is "no significant change" and passes', () => {
    const c = compareOne('accuracy', 0.9, 0.91, undefined, 'main', u([-0.03, 0.01], 0.4));
    expect(c).toMatchObject({ change: 'no significant change', status: 'pass', ci: [-0.03, 0.01], pValue: 0.4 });
  });
  test('a significant drop is regressed and warns', () => {
    expect(compareOne('accuracy', 0.85, 0.91, undefined, 'main', u([-0.09, -0.03], 0.001))).toMatchObject({ change: 'regressed', status: 'warn' });
  });
  test('a small p-value beside an interval that holds 0 is not called a change (the two must agree)', () => {
    expect(compareOne('accuracy', 0.9, 0.91, undefined, 'main', u([-0.02, 0.001], 0.03))).toMatchObject({ change: 'no significant change', status: 'pass' });
    expect(compareOne('ece', 0.05, 0.04, undefined, 'main', u([0.002, 0.02], 0.03))).toMatchObject({ change: 'regressed', status: 'warn' });
  });
  test('significant: true — a max-drop breach fails only when the drop is significant', () => {
    const rule = { maxDrop: 0.005, significant: true, severity: 'fail' as const };
    expect(compareOne('accuracy', 0.9, 0.91, rule, 'main', u([-0.03, 0.01], 0.4)).status).toBe('pass');
    expect(compareOne('accuracy', 0.9, 0.91, rule, 'main', u([-0.015, -0.005], 0.01)).status).toBe('fail');
  });
  test('ci-max-drop: fail when the bad end of the interval is beyond the tolerance, direction-aware', () => {
    const rule = { ciMaxDrop: 0.02, severity: 'fail' as const };
    expect(compareOne('accuracy', 0.91, 0.9, rule, 'main', u([-0.03, 0.05], 0.5)).status).toBe('fail');
    expect(compareOne('accuracy', 0.91, 0.9, rule, 'main', u([-0.01, 0.03], 0.3)).status).toBe('pass');
    // log_loss: higher is worse, so the upper end is the bad one.
    expect(compareOne('log_loss', 0.30, 0.31, rule, 'main', u([-0.05, 0.03], 0.6)).status).toBe('fail');
  });
});
