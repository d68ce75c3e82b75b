// A model as it was at a commit, written into a temporary folder from git's objects: nothing is checked
// out and nothing from the repository runs (blobs are read raw with `git cat-file`, so no filters apply
// but git-lfs smudge for LFS pointers; no hooks, no submodules). What is taken:
//   - a folder: every file under it;
//   - a single file; with it, for a TF.js model.json its weight shards (weightsManifest paths), for an
//     ONNX model its external data files, each confined to the model's folder.
// The files keep their paths from the repository root under the folder, so relative names still work.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, ModelError } from '../errors.js';
import { quote } from '../untrusted.js';
import { FULL_SHA } from './commits.js';
import { MAX_POINTER_BYTES, lfsPointer, smudge } from './lfs.js';
import { onnxExternalFiles } from './onnx-external.js';
import { gitSays, runGit, type GitOptions } from './run-git.js';
import { checkRepoPath } from './spec.js';

/** Default cap on one file's size (after LFS): larger ones are refused. */
export const DEFAULT_MAX_BLOB_BYTES = 2 * 1024 ** 3;
/** Default cap on all files of one model together. */
export const DEFAULT_MAX_TOTAL_BYTES = 8 * 1024 ** 3;
/** Largest model.json or .onnx read to find its companion files (protobuf caps a message at 2 GiB). */
const MAX_PARSED_BYTES = 2 * 1024 ** 3 - 1;

export interface MaterialiseOptions extends GitOptions {
  /** The commit, a full id (from resolveRevision). */
  sha: string;
  /** The model's path in the repository, from its root, '/'-separated: a file or a folder. */
  path: string;
  /** The folder to write into; default a new folder in RUNNER_TEMP (or the system's temporary folder). */
  dest?: string;
  /** The revision as shown in messages; default the commit's first 7 digits. */
  label?: string;
  /** The input that named the baseline, for messages; default `baselines`. */
  input?: string;
  maxBlobBytes?: number;
  maxTotalBytes?: number;
}

export interface MaterialisedModel {
  /** The local path to open: the model file or folder inside `dir`. */
  path: string;
  /** The folder everything was written into (remove it when done). */
  dir: string;
  /** The repository paths written, in order. */
  files: string[];
  /** Their bytes together. */
  bytes: number;
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Blob size in bytes; undefined for a tree or a submodule. */
  size?: number;
  path: string;
}

/** `git ls-tree -l` of the given paths at a commit (recursively: every blob under a folder). */
async function listTree(sha: string, paths: string[], recursive: boolean, git: GitOptions & { input: string }): Promise<TreeEntry[]> {
  const r = await runGit(['ls-tree', '-z', '-l', '--full-tree', ...(recursive ? ['-r'] : []), '--end-of-options', sha, ...paths], git);
  if (r.code !== 0) throw new InputError(`${git.input}: cannot list the files of commit ${sha.slice(0, 7)} (${gitSays(r)}); resolve the revision first, so that it is fetched.`);
  const out: TreeEntry[] = [];
  for (const record of r.stdout.toString('utf8').split('\0')) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]+) +(\d+|-)\t([\s\S]+)$/.exec(record);
    if (m === null) continue;
    out.push({ mode: m[1], type: m[2], oid: m[3], size: m[4] === '-' ? undefined : Number(m[4]), path: m[5] });
  }
  return out;
}

/**
 * A path relative to a model's folder (a weight shard, an external data file), as a repository path;
 * undefined when it is absolute or leaves the folder.
 */
export function inFolder(folder: string, rel: string): string | undefined {
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return undefined;
  const joined = path.posix.normalize(path.posix.join(folder === '' ? '.' : folder, rel));
  if (joined === '..' || joined.startsWith('../') || joined === '.' || joined.startsWith('/')) return undefined;
  if (folder !== '' && !joined.startsWith(`${folder}/`)) return undefined;
  return joined;
}

/** The files a model file names beside it, relative to its folder: TF.js weight shards, ONNX external data. */
function companions(file: string, bytes: Uint8Array): string[] {
  try {
    if (file.toLowerCase().endsWith('.onnx')) return onnxExternalFiles(bytes);
    if (file.toLowerCase().endsWith('.json')) {
      const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as { weightsManifest?: unknown };
      if (!Array.isArray(json?.weightsManifest)) return [];
      const names = json.weightsManifest.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? g.paths : []));
      return [...new Set(names.filter((p): p is string => typeof p === 'string'))];
    }
  } catch {
    // Not a model this can read: it is copied alone, and the engine says what is wrong when it opens it.
  }
  return [];
}

/** Writes the model at `path` as it is at commit `sha` into a folder; see the module's comment. */
export async function materialiseModel(options: MaterialiseOptions): Promise<MaterialisedModel> {
  const input = options.input ?? 'baselines';
  if (!FULL_SHA.test(options.sha)) throw new InputError(`${input}: ${quote(options.sha)} is not a full commit id.`);
  const label = options.label ?? options.sha.slice(0, 7);
  const repoPath = checkRepoPath(options.path, (why) => new InputError(`${input}: the model path ${quote(options.path)} ${why}`));
  const maxBlob = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const maxTotal = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const made = options.dest === undefined;
  const dir = options.dest ?? (await mkdtemp(path.join(options.env.RUNNER_TEMP || os.tmpdir(), 'model-gate-git-')));
  const written: string[] = [];
  let bytes = 0;

  /** One blob to dir/<its repository path>, through git-lfs when it is a pointer. */
  const writeBlob = async (entry: TreeEntry): Promise<string> => {
    const shown = `${input}: ${quote(entry.path)} at ${label}`;
    if (entry.type === 'commit') throw new ModelError(`${shown} is a submodule; model-gate reads no submodules: keep the model in the repository itself.`);
    if (entry.mode === '120000') throw new ModelError(`${shown} is a symbolic link; model-gate follows no links inside git: point the baseline at the file itself.`);
    if (entry.type !== 'blob' || entry.size === undefined) throw new ModelError(`${shown} is not a file (git object type ${quote(entry.type)}).`);
    const rel = checkRepoPath(entry.path, (why) => new ModelError(`${shown}: the repository holds a path model-gate will not write: it ${why}`));
    const local = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(local), { recursive: true });
    const tooLarge = (size: number, what: string) =>
      new ModelError(`${shown} is ${size} bytes${what}, over the ${maxBlob}-byte limit for one file; raise the limit or use a smaller model.`);
    const total = (size: number) => {
      bytes += size;
      if (bytes > maxTotal) throw new ModelError(`${input}: the model at ${label} takes more than ${maxTotal} bytes together, over the limit; raise the limit or use a smaller model.`);
    };
    if (entry.size <= MAX_POINTER_BYTES) {
      const blob = await catBlob(entry, options, shown);
      const pointer = lfsPointer(blob);
      if (pointer === undefined) {
        total(blob.length);
        await writeFile(local, blob, { mode: 0o644 });
      } else {
        if (pointer.size > maxBlob) throw tooLarge(pointer.size, ' (in Git LFS)');
        total(pointer.size);
        await smudge(pointer, { ...options, path: rel, dest: local, label, input });
      }
    } else {
      if (entry.size > maxBlob) throw tooLarge(entry.size, '');
      total(entry.size);
      const r = await runGit(['cat-file', '--end-of-options', 'blob', entry.oid], { ...options, stdoutFile: local, maxStdoutBytes: entry.size });
      if (r.code !== 0) throw new ModelError(`${shown} cannot be read from git (${gitSays(r)}).`);
    }
    written.push(rel);
    return local;
  };

  try {
    const [top] = await listTree(options.sha, [repoPath], false, { ...options, input });
    if (top === undefined || top.path !== repoPath) {
      throw new InputError(`${input}: ${quote(repoPath)} is not in the repository at ${label}. Give the model's path at that revision after ":", e.g. @v1.2.0:models/old/model.onnx.`);
    }
    if (top.type === 'tree') {
      const entries = await listTree(options.sha, [repoPath], true, { ...options, input });
      for (const e of entries) await writeBlob(e);
      return { path: path.join(dir, ...repoPath.split('/')), dir, files: written, bytes };
    }
    const local = await writeBlob(top);
    const folder = path.posix.dirname(repoPath) === '.' ? '' : path.posix.dirname(repoPath);
    const size = bytes;
    const names = size <= MAX_PARSED_BYTES ? companions(repoPath, await readFile(local)) : [];
    const wanted: string[] = [];
    for (const name of names) {
      const p = inFolder(folder, name);
      if (p === undefined) {
        throw new ModelError(`${input}: ${quote(repoPath)} at ${label} names the file ${quote(name)}, which is outside the model's folder; model-gate reads only files beside the model.`);
      }
      if (p !== repoPath && !wanted.includes(p)) wanted.push(p);
    }
    if (wanted.length > 0) {
      const found = await listTree(options.sha, wanted, false, { ...options, input });
      for (const p of wanted) {
        const e = found.find((f) => f.path === p);
        if (e === undefined) throw new ModelError(`${input}: ${quote(repoPath)} at ${label} names the file ${quote(path.posix.relative(folder, p))}, which is not in the repository at ${label}.`);
        await writeBlob(e);
      }
    }
    return { path: local, dir, files: written, bytes };
  } catch (e) {
    if (made) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function catBlob(entry: TreeEntry, git: GitOptions, shown: string): Promise<Buffer> {
  const r = await runGit(['cat-file', '--end-of-options', 'blob', entry.oid], { ...git, maxStdoutBytes: MAX_POINTER_BYTES });
  if (r.code !== 0) throw new ModelError(`${shown} cannot be read from git (${gitSays(r)}).`);
  return r.stdout;
}
