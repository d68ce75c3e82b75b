// The `changelog-file` publisher and the `model-gate changelog` command: the run's changelog entry written
// into a Keep a Changelog file in the workspace (document/changelog-file.ts makes the text). Only the file
// is written; committing it is a later step's (the README's "Writing changes down").

import { randomBytes } from 'node:crypto';
import { chmod, lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, messageOf } from '../errors.js';
import { updateChangelog, VERSION_PATTERN, type ChangelogFileOptions, type ChangelogReport, type ChangelogUpdate } from '../document/changelog-file.js';
import { parseReportJson } from '../document/report-input.js';
import type { JsonReport } from '../report/json.js';
import { confinePath, parseAllowedRoots, rootsOf } from '../settings/confine.js';
import { helpText, inputSpec, type InputSpec } from '../settings/inputs.js';
import { quote } from '../untrusted.js';
import type { Publisher } from './publisher.js';

/**
 * Refuses a file model-gate would write when it is a symlink: writing through a link (one that leads nowhere
 * yet, say) would create or change a file wherever it points, outside the workspace too.
 */
export async function refuseLink(input: string, file: string): Promise<void> {
  let link = false;
  try {
    link = (await lstat(file)).isSymbolicLink();
  } catch {
    // missing: it is made
  }
  if (link) {
    throw new InputError(`${input}: ${quote(file)} is a symbolic link; model-gate writes only regular files, not through links. Name the file it points to instead, or replace the link with the file.`);
  }
}

/** The file's text, or '' when it does not exist yet. */
export async function readTextIfAny(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new InputError(`cannot read ${quote(file)}: ${messageOf(e)}`);
  }
}

/**
 * Writes the file without following links: the text goes into a new file beside it (created exclusively, so
 * not through a link either) which is then renamed over it, replacing a link put there meanwhile rather than
 * writing where it points. The file keeps its permissions. An error names the file.
 */
export async function writeText(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.model-gate-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const mode = await lstat(file).then(
      (s) => (s.isFile() ? s.mode & 0o777 : undefined),
      () => undefined,
    );
    await writeFile(temp, text, { flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new InputError(`cannot write ${quote(file)}: ${messageOf(e)}`);
  }
}

/** Reads, updates and (when it changed) writes the changelog file. */
export async function writeChangelogFile(file: string, report: ChangelogReport, options: ChangelogFileOptions): Promise<ChangelogUpdate> {
  await refuseLink('changelog-file', file);
  const before = await readTextIfAny(file);
  const update = updateChangelog(before, report, options);
  if (update.text !== before) await writeText(file, update.text);
  return update;
}

export function hasCandidate(report: Pick<JsonReport, 'models'>): boolean {
  return report.models.some((m) => m.role === 'candidate');
}

export const changelogFile: Publisher = {
  name: 'changelog-file',
  action: 'update the changelog file',
  async publish({ report, key, settings, event, out }) {
    const file = settings?.changelogFile;
    if (file === undefined) return { status: 'skipped', detail: 'no changelog-file input' };
    if (!hasCandidate(report.json)) return { status: 'skipped', detail: 'no candidate model was evaluated: no entry to write' };
    const update = await writeChangelogFile(file, { models: report.json.models, changelog: out.clean(report.changelog) }, {
      key,
      ...(event?.tag?.version !== undefined ? { version: event.tag.version, tag: event.tag.name } : {}),
    });
    out.log.info(`changelog-file ${quote(file)}: ${update.summary}`);
    return { status: 'done', detail: `${file}: ${update.summary}` };
  },
};

// The commands' flags: the action's inputs where there is one, and the report to read.
const REPORT_FLAG: InputSpec = { name: 'report', type: 'path', default: '', config: false, arg: 'FILE', description: 'The JSON report (model-gate evaluate --json FILE, or the action\'s report-json output).' };
const VERSION_FLAG: InputSpec = { name: 'version', type: 'text', default: '', config: false, arg: 'X.Y.Z', description: 'Release the Unreleased section as this version (as a tag run does); default: the version the report\'s entry is titled with, if any.' };
const TAG_FLAG: InputSpec = { name: 'tag', type: 'text', default: '', config: false, arg: 'TAG', description: 'The release\'s tag for the compare links (default: the previous link\'s prefix and the version, v1.2.0).' };
const HELP_FLAG: InputSpec = { name: 'help', type: 'boolean', default: '', config: false, aliases: ['h'], description: 'Show this help.' };

export const CHANGELOG_FLAGS: readonly InputSpec[] = [REPORT_FLAG, inputSpec('changelog-file'), VERSION_FLAG, TAG_FLAG, inputSpec('comment-key'), inputSpec('allowed-roots'), HELP_FLAG];
export const MODEL_CARD_FLAGS: readonly InputSpec[] = [REPORT_FLAG, inputSpec('model-card'), inputSpec('comment-key'), inputSpec('allowed-roots'), HELP_FLAG];

export const CHANGELOG_USAGE = `Usage: model-gate changelog --report FILE --changelog-file CHANGELOG.md [--version X.Y.Z]

${helpText(CHANGELOG_FLAGS)}

Paths must lie inside the current folder or an --allowed-roots folder (after symlinks).
Exit status: 0 written (or already up to date), 2 bad input.`;

/** The flags of a documents command by name, or 'help'; the report read and checked, the paths confined. */
export async function readDocumentArgs(argv: string[], cwd: string, flags: readonly InputSpec[], command: string, fileFlag: string): Promise<'help' | { values: Record<string, string | undefined>; report: JsonReport; file: string }> {
  const options = Object.fromEntries(flags.map((f) => [f.name, f.type === 'boolean' ? { type: 'boolean' as const, ...(f.aliases?.[0] ? { short: f.aliases[0] } : {}) } : { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (e) {
    throw new InputError(`${messageOf(e).replace(/^TypeError \[[A-Z_]+\]: /, '').split(/\r?\n/)[0]} Run "model-gate ${command} --help" for the flags.`);
  }
  if (values.help === true) return 'help';
  const text = (name: string) => (typeof values[name] === 'string' && (values[name] as string).trim() !== '' ? (values[name] as string).trim() : undefined);
  const reportFlag = text('report');
  const fileFlagValue = text(fileFlag);
  if (reportFlag === undefined || fileFlagValue === undefined) throw new InputError(`model-gate ${command} needs --report FILE and --${fileFlag} FILE. Run "model-gate ${command} --help" for the flags.`);
  const roots = rootsOf(cwd, parseAllowedRoots(text('allowed-roots'), cwd));
  const reportPath = path.resolve(cwd, reportFlag);
  const file = path.resolve(cwd, fileFlagValue);
  confinePath('report', reportPath, roots);
  confinePath(fileFlag, file, roots);
  let reportText: string;
  try {
    reportText = await readFile(reportPath, 'utf8');
  } catch (e) {
    throw new InputError(`report: cannot read ${quote(reportFlag)} (${messageOf(e)}).`);
  }
  const report = parseReportJson(reportText, reportFlag);
  return { values: Object.fromEntries(flags.map((f) => [f.name, text(f.name)])), report, file };
}

/** model-gate changelog: the report's entry into the changelog file. Returns what it did, or 'help'. */
export async function changelogCommand(argv: string[], cwd: string): Promise<string | 'help'> {
  const args = await readDocumentArgs(argv, cwd, CHANGELOG_FLAGS, 'changelog', 'changelog-file');
  if (args === 'help') return 'help';
  const { values, report, file } = args;
  if (!hasCandidate(report)) throw new InputError('the report has no candidate model (the evaluation failed): there is no changelog entry to write.');
  const headingVersion = /^## \[([^\]]+)\]/.exec(report.changelog)?.[1];
  const version = values.version?.replace(/^v(?=\d)/, '') ?? (headingVersion !== undefined && VERSION_PATTERN.test(headingVersion) ? headingVersion : undefined);
  if (version !== undefined && !VERSION_PATTERN.test(version)) throw new InputError(`--version ${quote(values.version)} is not a version number such as 1.2.0.`);
  if (values.tag !== undefined && !/^[A-Za-z0-9._/+-]+$/.test(values.tag)) throw new InputError(`--tag ${quote(values.tag)} is not a tag name.`);
  const update = await writeChangelogFile(file, report, {
    key: values['comment-key'] ?? 'default',
    ...(version !== undefined ? { version } : {}),
    ...(values.tag !== undefined ? { tag: values.tag } : {}),
  });
  return `${path.relative(cwd, file) || file}: ${update.summary}`;
}
