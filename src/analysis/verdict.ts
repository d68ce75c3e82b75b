// What fail-on does with the verdict: which warnings it escalates, and whether the step fails.

import type { FailOn } from '../settings/settings.js';
import type { Finding, Verdict } from '../types.js';

/**
 * Finding kinds that `fail-on: overfitting` and `fail-on: drift` turn from warnings into failures.
 * Drift fails on its decision alone (data_drift: the corrected tests and drift-share): drifted
 * features below the share, new categories and label drift stay warnings; PSI without a test and
 * prediction drift (a better candidate's outputs differ too) stay information.
 */
export const ESCALATED_KINDS: Record<'overfitting' | 'drift', string[]> = {
  overfitting: ['overfitting', 'underfitting'],
  drift: ['data_drift'],
};

/** With fail-on overfitting or drift, those warnings fail the gate; information stays information. */
export function escalate(findings: Finding[], failOn: FailOn[]): Finding[] {
  const kinds = new Set(failOn.flatMap((f) => (f === 'regression' ? [] : ESCALATED_KINDS[f])));
  return findings.map((f) => (kinds.has(f.kind) && f.severity === 'warning' ? { ...f, severity: 'error' } : f));
}

/**
 * Whether the step fails: a fail verdict, caused by what fail-on lists. Regressions (thresholds,
 * no skill) count under `regression`; escalated findings under their own names. An error that left
 * the evaluation incomplete (bad input, a model that failed, an internal error) fails under any
 * fail-on but `never`: a gate that could not look must not pass.
 */
export function verdictFailsStep(verdict: Verdict, findings: readonly Finding[], failOn: FailOn[]): boolean {
  if (verdict !== 'fail' || failOn.length === 0) return false;
  if (failOn.includes('regression')) return true;
  const kinds = new Set(failOn.flatMap((f) => (f === 'regression' ? [] : ESCALATED_KINDS[f])));
  return findings.some((f) => f.severity === 'error' && (kinds.has(f.kind) || f.kind.endsWith('_error')));
}
