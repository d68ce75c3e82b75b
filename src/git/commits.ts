// Finding a commit in the workspace's repository, and fetching it from origin when the checkout lacks it
// (actions/checkout fetches one commit by default). Revisions reach here checked by checkRevision.

import { runGit, type GitOptions, type GitResult } from './run-git.js';

/** A full commit id (SHA-1, or SHA-256 for such repositories). */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The commit a revision names in the local repository, or undefined when it names none here. */
export async function commitOf(rev: string, git: GitOptions): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], git);
  const sha = r.stdout.toString('utf8').trim();
  return r.code === 0 && FULL_SHA.test(sha) ? sha : undefined;
}

/** Whether the checkout is shallow (history cut off, as actions/checkout leaves it by default). */
export async function isShallow(git: GitOptions): Promise<boolean> {
  const r = await runGit(['rev-parse', '--is-shallow-repository'], git);
  return r.stdout.toString('utf8').trim() === 'true';
}

/**
 * `git fetch origin <refspec>`: at depth 1 in a shallow checkout (so it stays small), in full otherwise
 * (a depth would cut a complete history). No tags, no submodules; hooks are off (runGit).
 */
export function fetchFromOrigin(refspec: string, shallow: boolean, git: GitOptions): Promise<GitResult> {
  return runGit(['fetch', ...(shallow ? ['--depth=1'] : []), '--no-tags', '--no-recurse-submodules', '--quiet', '--end-of-options', 'origin', refspec], git);
}

/** What to fetch for a revision that is not here: a full commit id as itself, a name as a tag, then as a branch. */
export function refspecsFor(rev: string): { refspec: string; local: string }[] {
  if (FULL_SHA.test(rev)) return [{ refspec: rev, local: rev }];
  const name = rev.replace(/^refs\/(tags|heads)\//, '');
  const tag = { refspec: `+refs/tags/${name}:refs/tags/${name}`, local: `refs/tags/${name}` };
  const branch = { refspec: `+refs/heads/${name}:refs/remotes/origin/${name}`, local: `refs/remotes/origin/${name}` };
  if (rev.startsWith('refs/tags/')) return [tag];
  if (rev.startsWith('refs/heads/')) return [branch];
  // origin/main is the branch main of origin.
  if (rev.startsWith('origin/')) {
    const b = rev.slice('origin/'.length);
    return [{ refspec: `+refs/heads/${b}:refs/remotes/origin/${b}`, local: `refs/remotes/origin/${b}` }];
  }
  return [tag, branch];
}

/**
 * The commit `rev` names: from the local repository, else fetched from origin. Undefined with the last
 * fetch's result when neither works.
 */
export async function findOrFetch(rev: string, git: GitOptions): Promise<{ sha: string } | { sha?: undefined; fetch?: GitResult; shallow: boolean }> {
  const here = await commitOf(rev, git);
  if (here !== undefined) return { sha: here };
  const shallow = await isShallow(git);
  let last: GitResult | undefined;
  for (const { refspec, local } of refspecsFor(rev)) {
    last = await fetchFromOrigin(refspec, shallow, git);
    if (last.code !== 0) continue;
    const sha = await commitOf(local, git);
    if (sha !== undefined) return { sha };
  }
  return { fetch: last, shallow };
}

/** The parents of a commit, as its object lists them (present even when a shallow checkout lacks them). */
export async function parentsOf(sha: string, git: GitOptions): Promise<string[]> {
  const r = await runGit(['cat-file', 'commit', '--end-of-options', sha], git);
  if (r.code !== 0) return [];
  const header = r.stdout.toString('utf8').split('\n\n')[0];
  return header
    .split('\n')
    .filter((l) => l.startsWith('parent '))
    .map((l) => l.slice('parent '.length).trim())
    .filter((p) => FULL_SHA.test(p));
}
