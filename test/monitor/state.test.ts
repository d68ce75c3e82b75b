// The monitoring issue's state machine: open on degradation, update while degraded, close when healthy,
// and retraining asked for once per degradation.

import { monitorStep, type IssueState, type MonitorVerdict } from '../../src/monitor/state.js';

describe('monitorStep', () => {
  test.each<[IssueState, MonitorVerdict, string, boolean]>([
    ['none', 'healthy', 'none', false],
    ['none', 'degraded', 'create', true],
    ['open', 'degraded', 'update', false],
    ['open', 'healthy', 'close', false],
    ['closed', 'healthy', 'record', false],
    ['closed', 'degraded', 'reopen', true],
    // A person closed it as not planned: muted until a person reopens it.
    ['muted', 'degraded', 'record', false],
    ['muted', 'healthy', 'record', false],
  ])('%s issue, %s run: %s (dispatch %s)', (previous, verdict, issue, dispatch) => {
    expect(monitorStep(previous, verdict)).toEqual({ issue, dispatch });
  });

  test('healthy → drifted → still drifted → healthy → drifted: two dispatches, one per degradation', () => {
    let state: IssueState = 'none';
    const dispatches: number[] = [];
    (['healthy', 'degraded', 'degraded', 'healthy', 'degraded'] as MonitorVerdict[]).forEach((v, i) => {
      const step = monitorStep(state, v);
      if (step.dispatch) dispatches.push(i);
      if (step.issue === 'create' || step.issue === 'reopen') state = 'open';
      if (step.issue === 'close') state = 'closed';
    });
    expect(dispatches).toEqual([1, 4]);
  });
});
