// The monitoring issue as a state machine: what this run does to the issue, and whether it starts
// retraining, from the issue's state before the run (open = degraded) and this run's verdict. Pure.

export type MonitorVerdict = 'healthy' | 'degraded';

/**
 * The sticky issue as found: none yet, open (the model was degraded), closed (it recovered), or muted (a
 * person closed it as not planned: it is not reopened and retraining is not asked for until a person reopens it).
 */
export type IssueState = 'none' | 'open' | 'closed' | 'muted';

export interface MonitorStep {
  /**
   * create: open a new issue; reopen: open the closed one again with the new body (its history goes on);
   * update: edit the open one's body; close: edit the body, comment, close; record: edit a closed issue's
   * body only (the history goes on while healthy, and while muted whatever the verdict); none: no issue yet
   * and nothing to say.
   */
  issue: 'create' | 'reopen' | 'update' | 'close' | 'record' | 'none';
  /** Send repository_dispatch: only on the change from healthy to degraded. */
  dispatch: boolean;
}

export function monitorStep(previous: IssueState, verdict: MonitorVerdict): MonitorStep {
  if (previous === 'muted') return { issue: 'record', dispatch: false };
  if (verdict === 'degraded') {
    if (previous === 'open') return { issue: 'update', dispatch: false };
    return { issue: previous === 'closed' ? 'reopen' : 'create', dispatch: true };
  }
  if (previous === 'open') return { issue: 'close', dispatch: false };
  return { issue: previous === 'closed' ? 'record' : 'none', dispatch: false };
}
