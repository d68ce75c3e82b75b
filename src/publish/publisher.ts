// What every publisher is: a named way of reporting a finished evaluation to the outside world.

import type { EventContext } from '../github/context.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { Rendered } from '../report/render.js';
import type { Settings } from '../settings/settings.js';
import type { ActionOutput } from './action-output.js';

/** One plain object, the same for every publisher: all it may need, and nothing to reach back for. */
export interface PublishContext {
  /** Scrubbed of secrets before it was rendered. */
  evaluation: Evaluation;
  /** The rendered report; `markdown` is already scrubbed, the JSON and changelog are scrubbed where written. */
  report: Rendered;
  /** The comment key: names the sticky comment, the summary's marker and the report file. */
  key: string;
  /** Undefined when the settings could not be read (the evaluation then holds that error). */
  settings: Settings | undefined;
  /** Undefined when the event could not be read. */
  event: EventContext | undefined;
  /** The github-token input ('' when none). */
  token: string;
  out: ActionOutput;
}

export interface PublishResult {
  status: 'done' | 'skipped' | 'failed';
  /** Where it went (a path, a URL) or why it was skipped or failed. */
  detail?: string;
}

export interface Publisher {
  /** Short and stable, for tests and logs: 'verdict', 'summary', 'pr-comment'. */
  readonly name: string;
  /** Completes "Could not …" in the warning when it throws, e.g. 'write the job summary'. */
  readonly action: string;
  publish(context: PublishContext): Promise<PublishResult> | PublishResult;
}

/** A publisher's report, as runPublishers returns it. */
export interface Published extends PublishResult {
  name: string;
}
