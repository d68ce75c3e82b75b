// The shape of one metric table entry, alone in its file so the tables (direction.ts, retrieval.ts,
// latency-info.ts) can share it without importing each other in a circle.

import type { Task } from '../types.js';

export interface MetricInfo {
  higherIsBetter: boolean;
  /** The value always lies in [0, 1], so a change reads as an absolute difference in points. */
  bounded: boolean;
  /** Human name for reports. */
  label: string;
  /** The tasks whose kernel returns this metric. */
  tasks: Task[];
  /** Describes the run rather than its quality; comparisons skip it. */
  informational?: boolean;
}
