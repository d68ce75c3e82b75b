// The changelog-file and model-card publishers: chosen when their input is set (before the comment, after
// the outputs), writing the workspace's files from the run's report; a run without a candidate writes nothing.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventContextFrom } from '../../src/github/context.js';
import { choosePublishers, runPublishers, type PublishChoice } from '../../src/publish/index.js';
import { changelogFile } from '../../src/publish/changelog-file.js';
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
