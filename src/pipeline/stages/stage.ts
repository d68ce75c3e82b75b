// What every stage of evaluate() shares: the run's settings and log in, its part and its findings out.

import type { Settings } from '../../settings/settings.js';
import type { Finding } from '../../types.js';
import type { Log } from '../log.js';

export interface StageContext {
  settings: Settings;
  log: Log;
}

/** A stage's part of the evaluation, and what it found (errors included: a stage never throws past its part). */
export interface StageResult<P> {
  part: P;
  findings: Finding[];
}
