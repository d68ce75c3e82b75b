// The commit a git baseline names, in the workspace's repository: @base, @previous-release or a tag,
// branch or commit, fetched from origin (at depth 1 in a shallow checkout) when the checkout lacks it.
//
// A branch moves: on a persistent (self-hosted) workspace the local `main` or `origin/main` may be days
// old. So a name that is not a tag here nor a commit id (`@main`, `@origin/main`, `@refs/heads/main`) is
// first fetched from origin as a branch, and the baseline is origin's tip of it. When that fetch fails
// (no origin, offline, no such branch) the name resolves as before: locally, then as a tag or branch
// fetched from origin.

import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import { commitOf, fetchFromOrigin, findOrFetch, FULL_SHA, isShallow } from './commits.js';
import { mergeBase } from './merge-base.js';
import { previousReleaseTag } from './previous-release.js';
import { gitSays, type GitOptions } from './run-git.js';
import { checkRevision, type GitRevisionSpec } from './spec.js';

export interface ResolvedRevision {
  /** The full commit id. */
  sha: string;
  /** The revision for people: `v1.9.0 (1a2b3c4)`, `merge base 1a2b3c4`, `main (1a2b3c4)`. */
  label: string;
}

export interface ResolveOptions extends GitOptions {
  /** The input that named the baseline, for messages, e.g. `baselines: main`; default `baselines`. */
  input?: string;
}

export async function resolveRevision(spec: GitRevisionSpec, options: ResolveOptions): Promise<ResolvedRevision> {
  const input = options.input ?? 'baselines';
  if (spec.kind === 'base') return mergeBase(options, input);
  if (spec.kind === 'previous-release') return previousReleaseTag(options, input);
  // Checked again here: a spec may be built by hand rather than by parseGitBaseline.
  checkRevision(spec.rev, (why) => new InputError(`${input}: ${quote(`@${spec.rev}`)} ${why}`));
  const branch = await branchNamed(spec.rev, options);
  if (branch !== undefined) {
    const r = await fetchFromOrigin(`+refs/heads/${branch}:refs/remotes/origin/${branch}`, await isShallow(options), options);
    const sha = r.code === 0 ? await commitOf(`refs/remotes/origin/${branch}`, options) : undefined;
    if (sha !== undefined) return { sha, label: `${spec.rev} (${sha.slice(0, 7)})` };
  }
  const found = await findOrFetch(spec.rev, options);
  if (found.sha !== undefined) {
    const label = found.sha.startsWith(spec.rev) ? found.sha.slice(0, 7) : `${spec.rev} (${found.sha.slice(0, 7)})`;
    return { sha: found.sha, label };
  }
  const short = /^[0-9a-f]{4,39}$/.test(spec.rev) ? ' A shortened commit id cannot be fetched: give all 40 characters.' : '';
  const said = found.fetch === undefined ? '' : ` (${gitSays(found.fetch)})`;
  throw new InputError(
    `${input}: ${quote(`@${spec.rev}`)}: no tag, branch or commit of that name is in the checkout, and fetching it from origin failed${said}.${short} ` +
      'Check the name; if it exists, set `fetch-depth: 0` on actions/checkout so the history and tags are there.',
  );
}

/**
 * The branch of origin a revision may name, to fetch before it is read: not a commit id (nor a short one
 * that is here), not a tag (`refs/tags/…`, or a tag of that name here).
 */
async function branchNamed(rev: string, git: GitOptions): Promise<string | undefined> {
  if (FULL_SHA.test(rev) || rev.startsWith('refs/tags/')) return undefined;
  if (/^[0-9a-f]{4,39}$/.test(rev) && (await commitOf(rev, git)) !== undefined) return undefined;
  for (const prefix of ['refs/heads/', 'refs/remotes/origin/', 'origin/']) {
    if (rev.startsWith(prefix)) return rev.slice(prefix.length) || undefined;
  }
  if (rev.startsWith('refs/')) return undefined;
  if ((await commitOf(`refs/tags/${rev}`, git)) !== undefined) return undefined;
  return rev;
}
