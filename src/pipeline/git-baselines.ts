// Baselines that name a git revision (`main=@base`, `release=@previous-release`, `old=@v1.2.0:models/old`):
// before any model opens, each is resolved to a commit in the workspace's repository and its model is
// written out of git into a temporary folder. Reports show the revision (`@base (merge base 1a2b3c4):
// models/sex`), never that folder; evaluate() removes the folders when it ends. A baseline that cannot be
// had (no pull request for @base, a revision a shallow checkout lacks, an LFS object missing) is its own
// error finding, as a baseline file that cannot be opened is; the other models still run.

import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { errorFinding } from '../analysis/findings.js';
import { NoPreviousRelease, materialiseModel, repoPathOf, resolveRevision, type GitRevisionSpec, type ResolvedRevision } from '../git/index.js';
import type { GitWritten, ModelSpec, Settings } from '../settings/settings.js';
import type { Finding, ModelFile } from '../types.js';
import { quote } from '../untrusted.js';
import type { Log } from './log.js';

export interface GitBaselines {
  /** The settings with each git baseline's path pointing at its written model; the baselines that failed left out. */
  settings: Settings;
  /** One error finding per git baseline that could not be resolved or written. */
  findings: Finding[];
  /** Removes the temporary folders (never throws). */
  remove(): Promise<void>;
}

/** Resolves and writes out every git baseline of `settings`; settings without any come back as they are. */
export async function gitBaselines(settings: Settings, log: Log, env: NodeJS.ProcessEnv = process.env): Promise<GitBaselines> {
  const findings: Finding[] = [];
  const dirs: string[] = [];
  const remove = async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  if (!settings.baselines.some((b) => b.git !== undefined)) return { settings, findings, remove };
  const baselines: ModelSpec[] = [];
  try {
    for (const spec of settings.baselines) {
      const g = spec.git;
      if (g === undefined) {
        baselines.push(spec);
        continue;
      }
      const input = `baselines (${quote(spec.name)})`;
      await log.group(`Reading baseline ${spec.name} from git (${g.text})`, async () => {
        let revision: string | undefined;
        try {
          const git = { cwd: g.cwd, env, input };
          const resolved = await resolveRevision(g, git);
          const repoPath = g.path ?? (await repoPathOf(settings.candidate.path, git));
          revision = revisionShown(g.text, g, resolved);
          log.info(`${g.text} is ${resolved.label}: reading ${repoPath} at ${resolved.sha}`);
          const written = await materialiseModel({ ...git, sha: resolved.sha, path: repoPath, label: resolved.label });
          dirs.push(written.dir);
          log.info(`${written.files.length} file${written.files.length === 1 ? '' : 's'}, ${written.bytes} bytes`);
          baselines.push({ ...spec, path: written.path, fromGit: { revision, repoPath, dir: written.dir } });
        } catch (e) {
          if (e instanceof NoPreviousRelease) {
            log.info(e.message);
            findings.push({ kind: 'no_previous_release', severity: 'warning', message: `${e.message} ${NO_PREVIOUS_RELEASE}` });
          } else findings.push(hiddenFinding(e, revision));
        }
      });
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { settings: { ...settings, baselines }, findings, remove };
}

/** What a first release is compared with instead. */
export const NO_PREVIOUS_RELEASE = 'This baseline is left out: the thresholds and the dummy baseline still gate the candidate.';

/**
 * An error finding whose message never shows a temporary folder: an error while writing the model out
 * (ENOSPC, EACCES, from Node or from git) names the path it failed on, inside the folder materialiseModel
 * made (`model-gate-git-…` in RUNNER_TEMP or the system's temporary folder). The folder becomes the
 * revision, as hideFolder() shows it, or "the temporary folder" before the revision is known.
 */
export function hiddenFinding(e: unknown, revision: string | undefined): Finding {
  const f = errorFinding(e);
  const shown = revision ?? 'the temporary folder';
  const message = f.message
    .replace(/(?:[A-Za-z]:)?[^\s'"`]*?[\\/]model-gate-git-[^\\/\s'"`]*[\\/]/g, `${shown}: `)
    .replace(/(?:[A-Za-z]:)?[^\s'"`]*?[\\/]model-gate-git-[^\\/\s'"`),]*/g, shown);
  return { ...f, message };
}

/**
 * The revision as the user wrote it and as it resolved: `@base (merge base 1a2b3c4)`,
 * `@previous-release (v1.2.0, 1a2b3c4)`, `@v1.2.0 (1a2b3c4)`, `@1a2b3c4`.
 */
export function revisionShown(text: string, spec: GitRevisionSpec, resolved: ResolvedRevision): string {
  const short = resolved.sha.slice(0, 7);
  const written = text.includes(':') ? text.slice(0, text.indexOf(':')) : text;
  if (spec.kind === 'base') return `${written} (${resolved.label})`;
  if (spec.kind === 'previous-release') {
    const tag = /^(.+) \([0-9a-f]{7}\)$/.exec(resolved.label)?.[1];
    return tag === undefined ? `${written} (${resolved.label})` : `${written} (${tag}, ${short})`;
  }
  if (resolved.sha.startsWith(spec.rev)) return `@${short}`;
  return `${written} (${short})`;
}

/** How a git baseline's path is shown: its revision, then its path in the repository. */
export function shownPath(g: GitWritten): string {
  return `${g.revision}: ${g.repoPath}`;
}

/** A text with the temporary folder replaced by the revision (`/tmp/x/models/a.onnx` → `@base (…): models/a.onnx`). */
export function hideFolder(text: string, g: GitWritten): string {
  let out = text;
  for (const dir of foldersOf(g)) {
    out = out.split(`${dir}${path.sep}`).join(`${g.revision}: `).split(dir).join(g.revision);
  }
  return out;
}

/** The model's files with paths from the repository root after the revision, instead of in the temporary folder. */
export function shownFiles(files: ModelFile[], g: GitWritten): ModelFile[] {
  return files.map((f) => ({ ...f, path: hideFolder(f.path, g) }));
}

/** The folder as given and after links (a temporary folder reached through a link, as on macOS). */
function foldersOf(g: GitWritten): string[] {
  let real = g.dir;
  try {
    real = realpathSync(g.dir);
  } catch {
    // gone already: the path as given is all there is to hide
  }
  return real === g.dir ? [g.dir] : [real, g.dir];
}
