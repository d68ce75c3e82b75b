// Real git repositories in temporary folders for the git baseline tests, isolated from the machine's git
// configuration (no global or system config; user name and e-mail set per repository).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A new temporary folder, removed by cleanUp(). */
export function tempDir(prefix = 'mg-git-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment the tests run git in, and hand to the module under test: no global or system config. */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tempDir('mg-home-'),
    // Where materialiseModel makes its folder when given none, so cleanUp() removes it.
    RUNNER_TEMP: tempDir('mg-runner-temp-'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    LANG: 'C',
    ...extra,
  };
}

const env = isolatedEnv();

/** Runs git in a folder and returns its stdout, trimmed; throws with git's stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A new repository on branch main, with its own user name and e-mail. */
export function newRepo(): string {
  const dir = tempDir('mg-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Model Gate Test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'config', 'tag.gpgsign', 'false');
  // As GitHub allows: a shallow clone may fetch any commit by id.
  git(dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  return dir;
}

/** Writes files (null removes one), commits everything and returns the commit id. */
export function commit(repo: string, files: Record<string, string | Uint8Array | null>, message = 'change'): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(repo, name);
    if (content === null) rmSync(file, { force: true, recursive: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

/** `git clone` of a repository over file:// (so --depth works), optionally at a branch or tag. */
export function clone(origin: string, options: { depth?: number; branch?: string } = {}): string {
  const dir = path.join(tempDir('mg-clone-'), 'work');
  const args = ['clone', '-q'];
  if (options.depth !== undefined) args.push(`--depth=${options.depth}`);
  if (options.branch !== undefined) args.push('--branch', options.branch);
  git(path.dirname(dir), ...args, `file://${origin}`, dir);
  git(dir, 'config', 'user.name', 'Model Gate Test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  return dir;
}

/** Whether git-lfs runs here. */
export function hasGitLfs(): boolean {
  try {
    git(os.tmpdir(), 'lfs', 'version');
    return true;
  } catch {
    return false;
  }
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}
