// Git LFS: a file stored with LFS is, in git, a small pointer (version line, sha256 oid, size). Its real
// bytes come from `git lfs smudge`, which takes the pointer on stdin, looks in the local LFS store and
// fetches from the remote when it can. The bytes are checked against the pointer's oid and size, so a
// pointer (GIT_LFS_SKIP_SMUDGE) or a wrong object is never handed on as the model.
//
// Where git-lfs fetches from is pinned to origin's LFS endpoint: a `.lfsconfig` in the pull request's work
// tree (or its commits) may set lfs.url or remote.origin.lfsurl, and git-lfs would send requests to any
// address it names (from a self-hosted runner, into its network). Git's own config, here `-c lfs.url`,
// wins over .lfsconfig, and git-lfs asks lfs.url before any other setting.

import { createHash } from 'node:crypto';
import { ModelError } from '../errors.js';
import { quote } from '../untrusted.js';
import { gitSays, runGit, type GitOptions } from './run-git.js';

/** The LFS specification caps pointers at 1024 bytes: a larger blob is never one. */
export const MAX_POINTER_BYTES = 1024;

export interface LfsPointer {
  /** The object's sha256, 64 hex digits. */
  oid: string;
  /** The object's size in bytes. */
  size: number;
  /** The pointer as stored, for git lfs smudge. */
  text: Uint8Array;
}

const VERSIONS = ['https://git-lfs.github.com/spec/v1', 'https://hawser.github.com/spec/v1'];

/** The LFS pointer a blob holds, or undefined when it is an ordinary file. */
export function lfsPointer(blob: Uint8Array): LfsPointer | undefined {
  if (blob.length > MAX_POINTER_BYTES) return undefined;
  const text = Buffer.from(blob).toString('utf8');
  const lines = text.split('\n');
  const version = /^version (\S+)$/.exec(lines[0] ?? '');
  if (version === null || !VERSIONS.includes(version[1])) return undefined;
  const oid = text.match(/^oid sha256:([0-9a-f]{64})$/m)?.[1];
  const size = text.match(/^size (\d{1,16})$/m)?.[1];
  if (oid === undefined || size === undefined) return undefined;
  return { oid, size: Number(size), text: blob };
}

export interface SmudgeOptions extends GitOptions {
  /** The file's path in the repository (git-lfs names it in its messages, and its fetch filters match it). */
  path: string;
  /** Where the object goes. */
  dest: string;
  /** The revision, as shown in messages. */
  label: string;
  /** The input that named the baseline, for messages. */
  input: string;
}

/**
 * The LFS endpoint git-lfs derives from a remote URL by itself: `<url>.git/info/lfs` (or `<url>/info/lfs`
 * when it ends in .git) over http(s); any other URL (ssh, file, a path) as it is, which git-lfs reads the
 * same way as the remote's URL.
 */
export function lfsEndpointOf(remoteUrl: string): string {
  if (!/^https?:\/\//i.test(remoteUrl)) return remoteUrl;
  const url = remoteUrl.replace(/\/+$/, '');
  return url.endsWith('.git') ? `${url}/info/lfs` : `${url}.git/info/lfs`;
}

/**
 * `-c lfs.url=…` for git: origin's LFS endpoint from the repository's git config (never .lfsconfig, which
 * git does not read), or an empty URL, which reaches nothing, when there is no origin.
 */
export async function pinnedLfsUrl(git: GitOptions): Promise<string[]> {
  const r = await runGit(['config', '--get', 'remote.origin.url'], git);
  const origin = r.code === 0 ? r.stdout.toString('utf8').trim() : '';
  return ['-c', `lfs.url=${origin === '' ? '' : lfsEndpointOf(origin)}`];
}

/** Writes the object a pointer names to `dest`; a ModelError saying what to do when git-lfs is missing or the object cannot be had. */
export async function smudge(pointer: LfsPointer, options: SmudgeOptions): Promise<void> {
  const hash = createHash('sha256');
  const r = await runGit([...(await pinnedLfsUrl(options)), 'lfs', 'smudge', '--', options.path], {
    ...options,
    stdin: pointer.text,
    stdoutFile: options.dest,
    // git-lfs writes the pointer back when it cannot have the object: room for it, so its reason is kept.
    maxStdoutBytes: Math.max(pointer.size, MAX_POINTER_BYTES),
    onStdout: (b) => hash.update(b),
  });
  const what = `${options.input}: ${quote(options.path)} at ${options.label} is a Git LFS pointer`;
  if (r.code !== 0 && /'lfs' is not a git command/.test(r.stderr)) {
    throw new ModelError(
      `${what}, and git-lfs is not installed, so its content cannot be read. Install git-lfs (Debian and Ubuntu: apt-get install git-lfs), ` +
        'or keep the model out of LFS.',
    );
  }
  const object = `its object (sha256:${pointer.oid.slice(0, 12)}…, ${pointer.size} bytes)`;
  const todo =
    'Check out with `lfs: true` on actions/checkout, or fetch the object first (git lfs fetch origin <commit>); a pull request from a fork may not reach the LFS store.';
  if (r.code !== 0) throw new ModelError(`${what}, and ${object} is not in the local LFS store and could not be fetched (${gitSays(r)}). ${todo}`);
  const digest = hash.digest('hex');
  if (digest !== pointer.oid) {
    throw new ModelError(`${what}, and git-lfs handed back bytes that are not ${object} (sha256:${digest.slice(0, 12)}…). ${todo}`);
  }
}
