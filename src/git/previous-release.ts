// `@previous-release`: the newest release tag older than the current one (ordering and pre-releases:
// release-tags.ts).
//   - On a tag push (GITHUB_REF=refs/tags/<release tag>): the highest release tag below that tag, among
//     the local tags and, in a shallow checkout (which has few), origin's tags too.
//   - Otherwise: the highest release tag reachable from HEAD, below the highest release tag on HEAD
//     itself if it has one (a rerun on a tagged commit compares against the release before it).

import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import { findOrFetch, isShallow } from './commits.js';
import { highestVersion, previousRelease, releaseVersion } from './release-tags.js';
import { gitSays, runGit, type GitOptions } from './run-git.js';
import { checkRevision } from './spec.js';

/** Tag names of one git listing, one a line. */
async function tagList(args: string[], git: GitOptions): Promise<string[]> {
  const r = await runGit(args, git);
  return r.code === 0 ? r.stdout.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '') : [];
}

/**
 * There is no earlier release to compare with: the first release. The pipeline makes this a warning and
 * drops the baseline (git-baselines.ts); thrown only when the repository's tags are known in full.
 */
export class NoPreviousRelease extends InputError {}

/** origin's tag names; an InputError when origin cannot be asked (then "no earlier release" is not known). */
async function remoteTags(git: GitOptions, input: string): Promise<string[]> {
  const r = await runGit(['ls-remote', '--tags', '--refs', '--end-of-options', 'origin'], git);
  if (r.code !== 0) {
    throw new InputError(
      `${input}: @previous-release: this shallow checkout lacks the tags, and listing origin's tags failed (${gitSays(r)}). ` +
        'Set `fetch-depth: 0` (with `fetch-tags: true`) on actions/checkout.',
    );
  }
  return r.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => /^[0-9a-f]+\trefs\/tags\/(.+)$/.exec(l.trim())?.[1])
    .filter((t): t is string => t !== undefined);
}

/** A tag name that is safe to hand to git (it came from a repository, where anyone may have pushed it). */
function plainTag(tag: string): boolean {
  try {
    checkRevision(tag, (why) => new Error(why));
    return true;
  } catch {
    return false;
  }
}

/** The commit of the previous release tag (see the module's comment), fetched when the checkout lacks it. */
export async function previousReleaseTag(git: GitOptions, input: string): Promise<{ sha: string; label: string }> {
  const ref = git.env.GITHUB_REF ?? '';
  const pushed = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  const shallow = await isShallow(git);
  let tag: string | undefined;
  let wanted: string;
  if (pushed !== undefined && releaseVersion(pushed) !== undefined) {
    const local = await tagList(['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags'], git);
    const all = shallow ? [...new Set([...local, ...(await remoteTags(git, input))])] : local;
    tag = previousRelease(all.filter(plainTag), pushed);
    wanted = `release tag (vX.Y.Z or X.Y.Z) below the pushed tag ${quote(pushed)}`;
  } else {
    const onHead = await tagList(['tag', '--points-at', 'HEAD'], git);
    const current = highestVersion(onHead);
    const reachable = await tagList(['for-each-ref', '--merged', 'HEAD', '--format=%(refname:strip=2)', 'refs/tags'], git);
    tag = previousRelease(reachable.filter(plainTag), current);
    wanted = `release tag (vX.Y.Z or X.Y.Z) reachable from HEAD${current !== undefined ? ` below ${quote(current)}` : ''}`;
  }
  const hint = shallow
    ? ' This checkout is shallow and may lack the tags: set `fetch-depth: 0` (with `fetch-tags: true`) on actions/checkout.'
    : ' Tag releases as vX.Y.Z (pre-releases such as v1.2.0-rc.1 count only when the current version is one), or name the baseline\'s tag, e.g. @v1.2.0.';
  if (tag === undefined) {
    // All tags are known on a tag push (origin's are listed in a shallow checkout) and in a full clone:
    // then this is the first release. A shallow checkout on another event cannot tell.
    if (pushed !== undefined && releaseVersion(pushed) !== undefined) {
      throw new NoPreviousRelease(`${input}: @previous-release: there is no ${wanted}, so this is the first release.`);
    }
    if (!shallow) throw new NoPreviousRelease(`${input}: @previous-release: there is no ${wanted}, so this is the first release.${hint}`);
    throw new InputError(`${input}: @previous-release: there is no ${wanted}.${hint}`);
  }
  const found = await findOrFetch(`refs/tags/${tag}`, git);
  if (found.sha === undefined) {
    const said = found.fetch === undefined ? '' : ` (${gitSays(found.fetch)})`;
    throw new InputError(`${input}: @previous-release: the tag ${quote(tag)} is not in the checkout and could not be fetched from origin${said}. Set \`fetch-depth: 0\` on actions/checkout.`);
  }
  return { sha: found.sha, label: `${tag} (${found.sha.slice(0, 7)})` };
}

