// Inputs may name only files inside the workspace, or inside a folder the workflow allowed with
// `allowed-roots`, judged after symlinks: a pull request cannot point the gate (or a symlink it commits) at
// the runner's other files and have their contents echoed into a comment.

import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import type { Settings } from './settings.js';

/** fs.realpathSync's shape; tests may pass their own. */
export type Realpath = (p: string) => string;

/** The folders that inputs may read from: the workspace first, then the allowed roots. */
export interface Roots {
  /** Real paths, the workspace first. */
  real: string[];
  /** As given (absolute), for messages. */
  shown: string[];
}

/** `allowed-roots`: folders one per line or comma-separated, relative ones against `cwd`. */
export function parseAllowedRoots(text: string | undefined, cwd: string): string[] {
  return (text ?? '')
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => path.resolve(cwd, s));
}

export function rootsOf(workspace: string, allowed: readonly string[], realpath: Realpath = realpathSync.native): Roots {
  const shown = [path.resolve(workspace), ...allowed.map((p) => path.resolve(p))];
  return { real: shown.map((p) => realPathOf(p, realpath)), shown };
}

/**
 * The real path of `p` (absolute). A path that does not exist yet is its nearest existing folder's real path
 * joined with the rest: whoever reads it later reports it missing. A dangling symlink (one whose target does
 * not exist) is judged by where it leads, as writing through it would create its target there.
 */
export function realPathOf(p: string, realpath: Realpath = realpathSync.native): string {
  const rest: string[] = [];
  let at = path.resolve(p);
  for (let hops = 0; ; ) {
    let real: string | undefined;
    try {
      real = realpath(at);
    } catch {
      // missing (or unreadable), or a link that leads nowhere yet
    }
    if (real !== undefined) return path.join(real, ...rest);
    const target = hops < MAX_LINKS ? linkTarget(at) : undefined;
    if (target !== undefined) {
      hops += 1;
      at = path.resolve(path.dirname(at), target);
      continue;
    }
    const up = path.dirname(at);
    if (up === at) return path.join(at, ...rest);
    rest.unshift(path.basename(at));
    at = up;
  }
}

/** How many symlinks realPathOf follows by hand before it gives up on a loop (Linux's limit). */
const MAX_LINKS = 40;

/** The target of `p` when `p` itself is a symlink; undefined otherwise (or when it cannot be read). */
function linkTarget(p: string): string | undefined {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `p` is `dir` or lies under it (both absolute and normalised). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/**
 * Throws an InputError naming the input and the path unless `p` (absolute) resolves, after symlinks, inside
 * one of the roots.
 */
export function confinePath(input: string, p: string, roots: Roots, realpath: Realpath = realpathSync.native): void {
  const real = realPathOf(p, realpath);
  if (roots.real.some((r) => isInside(real, r))) return;
  const where = real === path.resolve(p) ? '' : ` (it resolves to ${quote(real)})`;
  const allowed = roots.shown.length > 1 ? ` or the allowed roots (${roots.shown.slice(1).join(', ')})` : '';
  throw new InputError(
    `${input}: ${quote(p)}${where} lies outside the workspace (${roots.shown[0]})${allowed}. ` +
      'model-gate reads only files inside the workspace: move the file there, or add its folder to the `allowed-roots` input (--allowed-roots in the CLI).',
  );
}

/** Checks every path setting: models, data sets and the training log. */
export function confineSettings(settings: Settings, roots: Roots, realpath: Realpath = realpathSync.native): void {
  const check = (input: string, p: string | undefined) => {
    if (p !== undefined) confinePath(input, p, roots, realpath);
  };
  check('candidate', settings.candidate.path);
  // A git baseline (`@base`) is read out of git objects, not from a path (pipeline/git-baselines.ts).
  for (const b of settings.baselines) if (b.git === undefined) check(`baselines (${quote(b.name)})`, b.path);
  check('data', settings.data);
  check('train-data', settings.trainData);
  check('reference-data', settings.referenceData);
  check('current-data', settings.currentData);
  check('training-log', settings.trainingLog);
  // Files the action writes: inside the workspace (or an allowed root) too.
  check('changelog-file', settings.changelogFile);
  check('model-card', settings.modelCard);
}
