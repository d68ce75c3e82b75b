// Stage 6, gate: the one place the verdict is decided, from every model's measurements, the thresholds
// and all the findings the earlier stages made.

import { gate, type DeltaUncertainty, type Gate } from '../../analysis/compare.js';
import { escalate } from '../../analysis/verdict.js';
import { timingTests } from '../../perf/compare-latency.js';
import type { Settings } from '../../settings/settings.js';
import type { Finding, ModelMeasurement, Task } from '../../types.js';

export function gateStage(settings: Settings, task: Task, models: ModelMeasurement[], findings: Finding[], deltas: Record<string, Record<string, DeltaUncertainty>>): Gate {
  // Without a candidate there is nothing to compare: the findings alone (an error among them) decide.
  if (!models.some((m) => m.role === 'candidate')) return gate(task, [], {}, findings);
  return gate(task, models, settings.thresholds, escalate(findings, settings.failOn), deltas, {
    primaryMetrics: settings.primaryMetrics,
    timings: timingsOf(models, settings.confidence),
  });
}

/** The candidate's timings against each timed baseline's, tested across their rounds. */
function timingsOf(models: ModelMeasurement[], confidence: number): Record<string, Record<string, DeltaUncertainty>> | undefined {
  const cand = models.find((m) => m.role === 'candidate');
  if (cand?.perf === undefined) return undefined;
  const baselines = models.filter((m) => m.role === 'baseline' && m.perf !== undefined).map((m) => ({ name: m.name, latency: m.perf!.latency }));
  return timingTests(cand.perf.latency, baselines, confidence);
}
