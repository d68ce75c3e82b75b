// What must match across the shards of one evaluation, as digests: the settings that shape the report
// (every setting but the ones below), the settings that run the models (the same on every shard: a model
// run with another batch size or runtime may give other outputs), and the data file's bytes.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../settings/settings.js';

/**
 * The folder paths are taken relative to: the workspace (GITHUB_WORKSPACE) or the current folder. Runners
 * check the repository out in different folders (a self-hosted GPU runner's _work, ubuntu-latest's
 * /home/runner/work): paths inside it are compared, and carried from shard to merge, relative to it.
 */
export function workspaceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.GITHUB_WORKSPACE || process.cwd());
}

/** Text (a path, a note that names a file) with every `root/` in it written as "$ROOT/". */
export function portable(text: string, root: string): string {
  return text === root ? '$ROOT' : text.split(root + path.sep).join('$ROOT/');
}

/** The inverse of portable(), onto this run's root. */
export function rerooted(text: string, root: string): string {
  return text === '$ROOT' ? root : text.split('$ROOT/').join(root + path.sep);
}

/** Settings that say how the models run: the shards must agree on them; the merge runs no model. */
export const RUN_KEYS = ['device', 'installNative', 'onnxRuntime', 'batchSize', 'commandTimeout', 'commandEnv'] as const;
/** Settings that say where the report goes, not what it says: a shard publishes nothing. */
export const PUBLISH_KEYS = ['comment', 'checkRun', 'commentAuthor', 'changelogFile', 'modelCard'] as const;

const LEFT_OUT = new Set<string>([...RUN_KEYS, ...PUBLISH_KEYS]);

/** JSON with keys sorted at every level: the same settings give the same text whatever order they were read in. */
export function canonicalJson(value: unknown, root?: string): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string' && root !== undefined) return portable(v, root);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The settings that shape the evaluation, as given (before git baselines are written to temporary folders). */
export function settingsDigest(s: Settings, root: string = workspaceRoot()): string {
  return sha256(canonicalJson(Object.fromEntries(Object.entries(s).filter(([k]) => !LEFT_OUT.has(k))), root));
}

/** The settings that run the models. */
export function runDigest(s: Settings): string {
  const picked: Record<string, unknown> = {};
  for (const k of RUN_KEYS) picked[k] = (s as unknown as Record<string, unknown>)[k];
  return sha256(canonicalJson(picked));
}

/** Which top-level settings differ between two settings objects (for the error that says what differs). */
export function differingSettings(a: Settings, b: Settings): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return [...keys].filter((k) => canonicalJson(ra[k]) !== canonicalJson(rb[k])).sort();
}

export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
