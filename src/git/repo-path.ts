// The candidate's path as a path in the repository, for a git baseline that names no path of its own.

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import { gitSays, runGit, type GitOptions } from './run-git.js';

/** The repository path ('/'-separated, from its root) of a local file or folder in the work tree at `cwd`. */
export async function repoPathOf(localPath: string, git: GitOptions & { input?: string }): Promise<string> {
  const input = git.input ?? 'baselines';
  const r = await runGit(['rev-parse', '--show-toplevel'], git);
  const top = r.stdout.toString('utf8').trim();
  if (r.code !== 0 || top === '') throw new InputError(`${input}: a git baseline needs a git repository, and ${quote(git.cwd)} is not in one (${gitSays(r)}).`);
  // Both resolved, so a workspace reached through a link still matches.
  const [root, full] = await Promise.all([realpath(top), realpath(path.resolve(git.cwd, localPath)).catch(() => path.resolve(git.cwd, localPath))]);
  const rel = path.relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new InputError(`${input}: ${quote(localPath)} is not inside the repository at ${quote(top)}, so a git baseline cannot take its path; add ":path" to the baseline.`);
  }
  return rel.split(path.sep).join('/');
}
