// Direction and label of the latency metrics perf/latency.ts measures (latencyMetrics names them), here
// beside the other metric tables so metrics/ never reaches up into perf/.

import type { Task } from '../types.js';
import type { MetricInfo } from './metric-info.js';

const ALL_TASKS: Task[] = ['binary', 'multiclass', 'regression', 'multilabel', 'ranking'];
const LATENCY_NAME = /^(latency_p50_ms|latency_p95_ms|latency_p99_ms|throughput_rows_per_s)@([1-9][0-9]*)$/;

/** Direction and label of a latency metric name (any batch size), or undefined for other names. */
export function latencyMetricInfo(name: string): MetricInfo | undefined {
  if (name === 'latency_p95_ms') return { higherIsBetter: false, bounded: false, label: 'Latency p95 (ms, batch 1)', tasks: [...ALL_TASKS] };
  const match = LATENCY_NAME.exec(name);
  if (match === null) return undefined;
  const family = match[1];
  const b = match[2];
  if (family === 'throughput_rows_per_s') {
    return { higherIsBetter: true, bounded: false, label: `Throughput (rows/s, batch ${b})`, tasks: [...ALL_TASKS] };
  }
  const p = family.slice('latency_p'.length, family.indexOf('_ms'));
  return { higherIsBetter: false, bounded: false, label: `Latency p${p} (ms, batch ${b})`, tasks: [...ALL_TASKS] };
}
