// The files that make up a model. Paths that a model file names (TF.js weight shards, ONNX external data)
// stay inside the model's folder after symlinks; reads stop at the size the format declares or the file had
// when opened, and only regular files are read (never a device, FIFO or folder); each file is hashed for the
// changelog and for "did it change at all".

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError, messageOf } from '../errors.js';
import type { ModelFile } from '../types.js';
import { quote } from '../untrusted.js';
import { readFully } from '../data/read-fully.js';
import { isInside } from '../settings/confine.js';

/**
 * The real path of `named`, a path written inside `modelFile` (what: "weight file", "external data file"),
 * when it resolves inside the model file's folder after symlinks. Otherwise a ModelError that names the
 * model file, the path and what to do; a missing file is one too.
 */
export async function fileInModelFolder(modelFile: string, named: string, what: string): Promise<string> {
  const dir = path.dirname(path.resolve(modelFile));
  const outside = () =>
    new ModelError(
      `${modelFile}: ${what} ${quote(named)} lies outside the model's folder (${dir}). ` +
        'model-gate reads only files inside that folder: copy the file beside the model and name it by a relative path.',
    );
  if (named.includes('\0')) throw outside();
  const full = path.resolve(dir, named);
  // Judged on the path as written first, so a path that leaves the folder is never even looked at.
  if (!isInside(full, dir)) throw outside();
  let real: string;
  try {
    real = await realpath(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelError(`${modelFile}: ${what} ${quote(named)} is missing. Copy it beside the model.`);
    throw new ModelError(`${modelFile}: ${what} ${quote(named)} cannot be read (${code ?? messageOf(e)}).`);
  }
  if (!isInside(real, await realpath(dir))) throw outside();
  return real;
}


/**
 * The bytes of a regular file, at most `max` of them (default: its size when opened, so a file that grows
 * while it is read cannot stretch the read). `shown` names it in messages. Devices, FIFOs and folders are
 * refused without being read; opening does not wait on a FIFO.
 */
export async function readRegularFile(file: string, shown: string, max?: number): Promise<Uint8Array> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
    throw new ModelError(`${shown} cannot be opened (${e.code ?? messageOf(e)}).`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ModelError(`${shown} is not a regular file (${kindOf(info)}); model files must be plain files.`);
    const size = Math.min(info.size, max ?? info.size);
    const bytes = new Uint8Array(size);
    const got = await readFully(handle, bytes, 0);
    if (got < size) throw new ModelError(`${shown} shrank while it was read (${got} of ${size} bytes); run again once it is complete.`);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The size of a regular file, without opening it; `shown` names it in messages. */
export async function regularFileSize(file: string, shown: string): Promise<number> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new ModelError(`${shown} cannot be read (${e.code ?? messageOf(e)}).`);
  });
  if (!info.isFile()) throw new ModelError(`${shown} is not a regular file (${kindOf(info)}); model files must be plain files.`);
  return info.size;
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** A model file already read: its digest and size. */
export function describeBytes(p: string, bytes: Uint8Array): ModelFile {
  return { path: p, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/**
 * Digests of model files read from disk: regular files only, each read no further than its size when
 * opened. With `folder`, every file must lie inside it after symlinks (a ModelError otherwise), so the
 * listing never hashes a file from elsewhere.
 */
export async function describeFiles(paths: string[], folder?: string): Promise<ModelFile[]> {
  const root = folder === undefined ? undefined : await realpath(folder);
  const out: ModelFile[] = [];
  for (const p of paths) {
    const real = await realpath(p).catch(() => p);
    if (root !== undefined && !isInside(real, root)) throw new ModelError(`${p} lies outside the model's folder (${folder}); it is not read or listed.`);
    out.push(describeBytes(p, await readRegularFile(real, p)));
  }
  return out;
}

export { combinedDigest } from '../digest.js';
