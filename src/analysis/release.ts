// What a release of the candidate would change against the first baseline: size and signature, and
// the version bump they and the metric changes suggest.

import type { Comparison } from './compare.js';
import { compareFacts, suggestedVersionBump, type FactsComparison, type VersionBump } from './model-facts.js';
import type { Finding, ModelMeasurement } from '../types.js';

export interface Release {
  baseline: string;
  facts?: FactsComparison;
  versionBump: VersionBump;
}

/** changes: the comparisons before thresholds (which way each metric moved). */
export function releaseChange(models: ModelMeasurement[], changes: Comparison[]): Release | undefined {
  const cand = models.find((m) => m.role === 'candidate');
  const base = models.find((m) => m.role === 'baseline');
  if (cand === undefined || base === undefined) return undefined;
  const facts = cand.facts && base.facts ? compareFacts(cand.facts, base.facts) : undefined;
  const rows = changes.filter((c) => c.baseline === base.name && !c.metric.startsWith('latency_') && !c.metric.startsWith('throughput_'));
  const versionBump = suggestedVersionBump({
    signatureChanged: facts?.signatureChanged ?? false,
    anyMetricRegressed: rows.some((c) => c.change === 'regressed'),
    anyMetricImproved: rows.some((c) => c.change === 'improved'),
  });
  return { baseline: base.name, facts, versionBump };
}

/** A changed signature breaks callers (a warning); other differences are notes. */
export function releaseFindings(release: Release | undefined): Finding[] {
  const findings: Finding[] = [];
  if (release?.facts?.signatureChanged) {
    findings.push({
      kind: 'breaking_change',
      severity: 'warning',
      message: `The candidate's input/output signature differs from ${release.baseline}'s: ${release.facts.changes.join('; ')}. Callers must change: a major version.`,
    });
  }
  for (const note of release?.facts?.notes ?? []) findings.push({ kind: 'signature_note', severity: 'info', message: `Against ${release!.baseline}: ${note}.` });
  return findings;
}
