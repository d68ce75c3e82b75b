// Publishing is a list of publishers: which ones a run gets depends on the event and the settings,
// and running them keeps one rule: a publisher that fails is a warning, and the others still run.

import type { EventContext } from '../github/context.js';
import { messageOf } from '../errors.js';
import { booleanDefault } from '../settings/inputs.js';
import { parseBoolean, type Settings } from '../settings/settings.js';
import { annotations } from './annotations.js';
import { publishBundle } from './bundle.js';
import { checkRun, checkRunCommit } from './check-run.js';
import { changelogOutput, reportJsonOutput, verdictOutput } from './outputs.js';
import { changelogFile } from './changelog-file.js';
import { modelCard } from './model-card.js';
import { NO_TOKEN, NOT_A_PULL_REQUEST, noPrComment, prComment } from './pr-comment.js';
import type { Published, PublishContext, Publisher } from './publisher.js';
import { jobSummary } from './summary.js';

export type { Published, PublishContext, Publisher, PublishResult } from './publisher.js';

/** What the choice depends on, read by the caller so that choosing stays a pure function. */
export interface PublishChoice {
  event: EventContext | undefined;
  /** Undefined when the settings could not be read. */
  settings: (Pick<Settings, 'comment'> & Partial<Pick<Settings, 'checkRun' | 'changelogFile' | 'modelCard'>>) | undefined;
  /** The raw `comment` input: decides when the settings could not be read. */
  commentInput: string;
  /** The raw `check-run` input: decides when the settings could not be read (default: the runner's INPUT_CHECK-RUN). */
  checkRunInput?: string;
  /** The github-token input ('' when none). */
  token: string;
  /** GITHUB_STEP_SUMMARY: the runner's job summary file, when it gives one. */
  stepSummary: string | undefined;
}

/**
 * The publishers to run, in order. The verdict output comes first so that nothing can lose it; the
 * comment comes last, as the slowest and the likeliest to fail. The check run needs a token, a repository
 * and the commit (a pull request's head, or GITHUB_SHA, read from `env`).
 */
export function choosePublishers(choice: PublishChoice, env: Record<string, string | undefined> = process.env): Publisher[] {
  const chosen: Publisher[] = [verdictOutput, reportJsonOutput, changelogOutput];
  if (choice.stepSummary) chosen.push(jobSummary);
  chosen.push(annotations);
  // Files in the workspace, written for a later step to commit: before the network calls.
  if (choice.settings?.changelogFile !== undefined) chosen.push(changelogFile);
  if (choice.settings?.modelCard !== undefined) chosen.push(modelCard);
  const checkRunWanted = choice.settings?.checkRun ?? parseBoolean(choice.checkRunInput ?? env['INPUT_CHECK-RUN'] ?? '') ?? booleanDefault('check-run');
  if (checkRunWanted && choice.token !== '' && checkRunCommit(choice.event, env) !== undefined) chosen.push(checkRun({}, env));
  // A fork's pull_request run cannot comment: it leaves the publish bundle for mode: publish (bundle.ts).
  if (choice.event?.eventName === 'pull_request' && choice.event.pullRequest?.fromFork) chosen.push(publishBundle);
  const commentWanted = choice.settings?.comment ?? parseBoolean(choice.commentInput) ?? booleanDefault('comment');
  if (commentWanted) {
    // issueNumber is set for pull_request(_target) events and comments on a pull request.
    if (!choice.event?.repo || choice.event.issueNumber === undefined) chosen.push(noPrComment('info', NOT_A_PULL_REQUEST));
    else if (choice.token === '') chosen.push(noPrComment('warning', NO_TOKEN));
    else chosen.push(prComment());
  }
  return chosen;
}

/** Runs each publisher in turn; one that throws becomes a warning naming what it could not do. */
export async function runPublishers(publishers: readonly Publisher[], context: PublishContext): Promise<Published[]> {
  const results: Published[] = [];
  for (const p of publishers) {
    try {
      results.push({ name: p.name, ...(await p.publish(context)) });
    } catch (e) {
      const text = `Could not ${p.action}: ${messageOf(e)}`;
      context.out.log.warning(text);
      results.push({ name: p.name, status: 'failed', detail: context.out.message(text) });
    }
  }
  return results;
}
