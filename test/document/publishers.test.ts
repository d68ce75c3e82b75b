// The changelog-file and model-card publishers: chosen when their input is set (before the comment, after
// the outputs), writing the workspace's files from the run's report; a run without a candidate writes nothing.

import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventContextFrom } from '../../src/github/context.js';
import { choosePublishers, runPublishers, type PublishChoice } from '../../src/publish/index.js';
import { changelogFile, writeText } from '../../src/publish/changelog-file.js';
import { modelCard } from '../../src/publish/model-card.js';
import type { Rendered } from '../../src/report/render.js';
import type { JsonReport } from '../../src/report/json.js';
import type { Settings } from '../../src/settings/settings.js';
import { actionEnv, inputError, publishContext, type ActionEnv } from '../publish/action-env.js';

const REPORT = JSON.parse(readFileSync('test/golden/files/penguins-sex.json', 'utf8')) as JsonReport;
const rendered: Rendered = { json: REPORT, markdown: '', changelog: REPORT.changelog };

let env: ActionEnv;
let dir: string;
beforeEach(() => {
  env = actionEnv();
  dir = mkdtempSync(path.join(os.tmpdir(), 'mg-docs-publish-'));
});
afterEach(() => {
  env.restore();
  rmSync(dir, { recursive: true, force: true });
});

test('chosen only when the input is set, after the annotations and before the check run and the comment', () => {
  const choice = (settings: PublishChoice['settings']): string[] =>
    choosePublishers({ event: undefined, settings, commentInput: '', token: '', stepSummary: '/tmp/s' }, {}).map((p) => p.name);
  expect(choice({ comment: false })).not.toContain('changelog-file');
  expect(choice({ comment: false, changelogFile: '/w/CHANGELOG.md', modelCard: '/w/README.md' })).toEqual(['verdict', 'report-json', 'changelog', 'summary', 'annotations', 'changelog-file', 'model-card']);
  expect(choice({ comment: true, modelCard: '/w/README.md' })).toEqual(['verdict', 'report-json', 'changelog', 'summary', 'annotations', 'model-card', 'no-pr-comment']);
});

test('on a tag push both files are written from the report: the changelog released as the tag\'s version, the card under the repository\'s name', async () => {
  const changelog = path.join(dir, 'CHANGELOG.md');
  const card = path.join(dir, 'README.md');
  writeFileSync(changelog, readFileSync('fixtures/docs/CHANGELOG.md'));
  writeFileSync(card, '# A card without front matter\n');
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_REPOSITORY: 'octo-org/model-repo' }, {});
  const settings = { changelogFile: changelog, modelCard: card } as Settings;
  const results = await runPublishers([changelogFile, modelCard], publishContext([], { report: rendered, settings, event }));
  expect(results.map((r) => [r.name, r.status])).toEqual([['changelog-file', 'done'], ['model-card', 'done']]);
  expect(readFileSync(changelog, 'utf8')).toContain('## [Unreleased]\n\n## [2.0.0] - 2025-12-02\n');
  expect(readFileSync(changelog, 'utf8')).toContain('[2.0.0]: https://github.com/octo-org/model-repo/compare/v1.1.0...v2.0.0');
  expect(readFileSync(card, 'utf8')).toMatch(/^---\nmodel-index:\n- name: octo-org\/model-repo\n[\s\S]*---\n\n# A card without front matter\n\n## Evaluation results\n/);
  expect(env.stdout().some((l) => l.startsWith(`changelog-file "${changelog}": added the entry under Unreleased, moved Unreleased to 2.0.0`))).toBe(true);
});

test('a run without a candidate (bad input) writes nothing; a file that cannot be written is a warning naming it', async () => {
  const changelog = path.join(dir, 'CHANGELOG.md');
  const settings = { changelogFile: changelog, modelCard: path.join(dir, 'README.md') } as Settings;
  const failed = await runPublishers([changelogFile, modelCard], publishContext([inputError('No candidate model')], { settings }));
  expect(failed.map((r) => r.status)).toEqual(['skipped', 'skipped']);
  expect(existsSync(changelog)).toBe(false);

  const intoFolder = { changelogFile: dir } as Settings;
  const [result] = await runPublishers([changelogFile], publishContext([], { report: rendered, settings: intoFolder }));
  expect(result!.status).toBe('failed');
  expect(env.stdout().join('\n')).toMatch(/::warning::Could not update the changelog file: cannot read ".*mg-docs-publish-\w+": (Error: )?EISDIR/);
});

test('a file to write that is a symlink is refused with a warning naming the input, dangling or not; nothing is written through it', async () => {
  const ws = path.join(dir, 'ws');
  const outside = path.join(dir, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'existing.md'), 'outside\n');
  symlinkSync('../outside/pwned.md', path.join(ws, 'CHANGELOG.md'));
  symlinkSync('../outside/card.md', path.join(ws, 'README.md'));
  symlinkSync('../outside/existing.md', path.join(ws, 'EXISTING.md'));
  const settings = { changelogFile: path.join(ws, 'CHANGELOG.md'), modelCard: path.join(ws, 'README.md') } as Settings;
  const results = await runPublishers([changelogFile, modelCard], publishContext([], { report: rendered, settings }));
  expect(results.map((r) => r.status)).toEqual(['failed', 'failed']);
  const existing = await runPublishers([changelogFile, modelCard], publishContext([], { report: rendered, settings: { changelogFile: path.join(ws, 'EXISTING.md'), modelCard: path.join(ws, 'EXISTING.md') } as Settings }));
  expect(existing.map((r) => r.status)).toEqual(['failed', 'failed']);
  const warnings = env.stdout().filter((l) => l.startsWith('::warning'));
  expect(warnings).toHaveLength(4);
  expect(warnings[0]).toMatch(/^::warning::Could not update the changelog file: changelog-file: ".*CHANGELOG\.md" is a symbolic link; model-gate writes only regular files/);
  expect(warnings[1]).toMatch(/^::warning::Could not update the model card: model-card: ".*README\.md" is a symbolic link/);
  expect(readdirSync(outside)).toEqual(['existing.md']);
  expect(readFileSync(path.join(outside, 'existing.md'), 'utf8')).toBe('outside\n');
  expect(['CHANGELOG.md', 'README.md', 'EXISTING.md'].every((f) => lstatSync(path.join(ws, f)).isSymbolicLink())).toBe(true);
});

test('writeText replaces the file by renaming a new one over it: a link there is replaced, not written through; the mode stays; no temporary file is left', async () => {
  const target = path.join(dir, 'target.md');
  writeFileSync(target, 'target\n');
  const link = path.join(dir, 'link.md');
  symlinkSync(target, link);
  await writeText(link, 'new\n');
  expect(lstatSync(link).isFile()).toBe(true);
  expect(readFileSync(link, 'utf8')).toBe('new\n');
  expect(readFileSync(target, 'utf8')).toBe('target\n');
  chmodSync(target, 0o640);
  await writeText(target, 'changed\n');
  expect([readFileSync(target, 'utf8'), statSync(target).mode & 0o777]).toEqual(['changed\n', 0o640]);
  await expect(writeText(path.join(dir, 'no-folder', 'x.md'), 'x')).rejects.toThrow(/^cannot write ".*no-folder\/x\.md": /);
  expect(readdirSync(dir).sort()).toEqual(['link.md', 'target.md']);
});
