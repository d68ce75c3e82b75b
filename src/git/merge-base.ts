// `@base`: the pull request's merge base, the commit the pull request's changes start from. The base
// commit comes from the event payload (pull_request.base.sha, or merge_group.base_sha in a merge queue),
// else from GITHUB_BASE_REF (origin/<branch>).
//
// The payload's base sha goes stale: GitHub rebuilds refs/pull/N/merge on the base branch's newer tip
// without a new event. When HEAD is that merge commit (actions/checkout's default for pull_request: its
// second parent is the payload's pull_request.head.sha), the base is its first parent, the base tip GitHub
// merged with. The commit object names it, so a depth-1 checkout has all it needs.

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import { FULL_SHA, commitOf, findOrFetch, isShallow, parentsOf } from './commits.js';
import { gitSays, runGit, type GitOptions } from './run-git.js';
import { checkRevision } from './spec.js';

export type PullRequestBase = ({ sha: string; shown: string } | { branch: string; shown: string }) & {
  /** The pull request's head commit (pull_request.head.sha), when the payload names one. */
  head?: string;
};

/** Where the base commit of this run's pull request is named, or undefined outside a pull request. */
export function pullRequestBase(env: NodeJS.ProcessEnv): PullRequestBase | undefined {
  const eventPath = env.GITHUB_EVENT_PATH;
  let event: { pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } }; merge_group?: { base_sha?: unknown } } | undefined;
  if (eventPath !== undefined && eventPath !== '') {
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch {
      // An unreadable payload leaves GITHUB_BASE_REF.
    }
  }
  const headSha = event?.pull_request?.head?.sha;
  const head = typeof headSha === 'string' && FULL_SHA.test(headSha) ? { head: headSha } : {};
  const sha = event?.pull_request?.base?.sha ?? event?.merge_group?.base_sha;
  if (typeof sha === 'string' && FULL_SHA.test(sha)) return { sha, shown: `the pull request's base commit ${sha.slice(0, 12)}`, ...head };
  const branch = env.GITHUB_BASE_REF;
  if (branch !== undefined && branch !== '') return { branch, shown: `origin/${branch}`, ...head };
  return undefined;
}

/** The merge base of this run's pull request with HEAD, fetching the base commit when the checkout lacks it. */
export async function mergeBase(git: GitOptions, input: string): Promise<{ sha: string; label: string }> {
  const base = pullRequestBase(git.env);
  if (base === undefined) {
    throw new InputError(
      `${input}: @base is the pull request's merge base, and this run has no pull request (no pull_request.base.sha in the event payload, no GITHUB_BASE_REF). ` +
        'Run on a pull_request event, or name a branch or tag instead, e.g. @main.',
    );
  }
  const merged = await mergedBase(base, git);
  if (merged !== undefined) {
    // A depth-1 checkout names the parent but lacks it: fetch it by id.
    const had = await findOrFetch(merged, git);
    if (had.sha !== undefined) return { sha: had.sha, label: `merge base ${had.sha.slice(0, 7)}` };
    const said = had.fetch === undefined ? '' : ` (${gitSays(had.fetch)})`;
    throw new InputError(
      `${input}: @base: the base commit ${merged.slice(0, 12)} that HEAD merges the pull request into is not in the checkout and could not be fetched from origin${said}. ` +
        'Set `fetch-depth: 0` on actions/checkout so the base branch is there.',
    );
  }
  let rev: string;
  if ('sha' in base) rev = base.sha;
  else {
    checkRevision(base.branch, (why) => new InputError(`${input}: @base: GITHUB_BASE_REF ${quote(base.branch)} ${why}`));
    rev = `origin/${base.branch}`;
  }
  const found = await findOrFetch(rev, git);
  if (found.sha === undefined) {
    const said = found.fetch === undefined ? '' : ` (${gitSays(found.fetch)})`;
    throw new InputError(
      `${input}: @base: ${base.shown} is not in the checkout and could not be fetched from origin${said}. ` +
        'Set `fetch-depth: 0` on actions/checkout so the base branch is there.',
    );
  }
  const head = await commitOf('HEAD', git);
  if (head === undefined) throw new InputError(`${input}: @base: the workspace has no HEAD commit; check out the pull request first (actions/checkout).`);
  // The merge commit actions/checkout makes has the base as a parent: then the base is the merge base,
  // and no history is needed to know it (a depth-1 checkout has none).
  if (head === found.sha || (await parentsOf(head, git)).includes(found.sha)) return { sha: found.sha, label: `merge base ${found.sha.slice(0, 7)}` };
  const r = await runGit(['merge-base', '--end-of-options', found.sha, head], git);
  const sha = r.stdout.toString('utf8').trim();
  if (r.code === 0 && FULL_SHA.test(sha)) return { sha, label: `merge base ${sha.slice(0, 7)}` };
  const shallow = await isShallow(git);
  throw new InputError(
    `${input}: @base: git finds no merge base of ${base.shown} and HEAD` +
      (shallow ? ' in this shallow checkout. Set `fetch-depth: 0` on actions/checkout so the history between them is there.' : ` (${gitSays(r)}).`),
  );
}

/**
 * The base tip GitHub merged the pull request with, when HEAD is its merge commit: HEAD's first parent
 * when its second parent is the payload's head commit. Undefined otherwise.
 */
async function mergedBase(base: PullRequestBase, git: GitOptions): Promise<string | undefined> {
  if (base.head === undefined) return undefined;
  const head = await commitOf('HEAD', git);
  if (head === undefined) return undefined;
  const parents = await parentsOf(head, git);
  return parents.length === 2 && parents[1] === base.head ? parents[0] : undefined;
}
