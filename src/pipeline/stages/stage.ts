// What every stage of evaluate() shares: the run's settings and log in, its part and its findings out.

import { errorFinding } from '../../analysis/findings.js';
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

/**
 * One step of a stage whose failure must not take the rest with it: an error becomes a finding and the
 * step's result is undefined.
 */
export async function orFinding<T>(findings: Finding[], step: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (e) {
    findings.push(errorFinding(e));
    return undefined;
  }
}
