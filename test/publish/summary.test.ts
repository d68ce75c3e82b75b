// The job summary: the report's markdown, cut to SUMMARY_LIMIT with a note that points at the JSON report.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { commentMarker } from '../../src/github/marker.js';
import { runPublishers } from '../../src/publish/index.js';
import { eventContextFrom } from '../../src/github/context.js';
import { jobSummary, releaseEventNotice, SUMMARY_LIMIT, SUMMARY_TRUNCATION_NOTE } from '../../src/publish/summary.js';
import { bigReport, brokenMarkdown } from '../report/big-report.js';
import { actionEnv, publishContext, type ActionEnv } from './action-env.js';

// core.summary keeps the first GITHUB_STEP_SUMMARY it sees (as on a runner, one per step): one file for all tests.
let env: ActionEnv;
beforeAll(() => (env = actionEnv()));
beforeEach(() => writeFileSync(process.env.GITHUB_STEP_SUMMARY!, ''));
afterAll(() => env.restore());

test('writes the rendered markdown to GITHUB_STEP_SUMMARY', async () => {
  const ctx = publishContext([{ kind: 'data_drift', severity: 'warning', message: 'feature x drifted' }]);
  expect(await runPublishers([jobSummary], ctx)).toEqual([{ name: 'summary', status: 'done' }]);
  const summary = env.summary();
  expect(summary).toBe(ctx.report.markdown);
  expect(summary.startsWith(commentMarker('default'))).toBe(true);
  expect(summary).toContain('feature x drifted');
});

test('a report over the limit is cut at a line, keeps its marker and ends with the note', async () => {
  const ctx = publishContext([], { key: 'nightly gate' });
  const row = '| metric | 0.123456789 | 0.987654321 |\n';
  ctx.report.markdown = `${commentMarker('nightly gate')}\n## model-gate\n${row.repeat(Math.ceil((SUMMARY_LIMIT * 1.5) / row.length))}`;
  await runPublishers([jobSummary], ctx);
  const summary = env.summary();
  expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
  expect(Buffer.byteLength(summary)).toBeGreaterThan(SUMMARY_LIMIT * 0.9);
  expect(summary.startsWith(commentMarker('nightly gate'))).toBe(true);
  expect(summary.endsWith(`\n\n${SUMMARY_TRUNCATION_NOTE}`)).toBe(true);
  expect(summary).toContain(`${row}\n${SUMMARY_TRUNCATION_NOTE}`); // a whole row before the note, not half of one
});

test('a run with thousands of slices (over 1 MiB of markdown): under the cap in bytes, verdict first, changelog last', async () => {
  const report = bigReport(6000);
  expect(Buffer.byteLength(report.markdown)).toBeGreaterThan(1024 * 1024);
  const ctx = publishContext([], { report });
  await runPublishers([jobSummary], ctx);
  const summary = env.summary();
  const size = Buffer.byteLength(summary);
  expect(size).toBeLessThanOrEqual(SUMMARY_LIMIT);
  expect(size).toBeLessThan(1024 * 1024); // GitHub's cap per step
  expect(size).toBeGreaterThan(SUMMARY_LIMIT * 0.9);
  expect(summary.startsWith(`${commentMarker('default')}\n\n## ❌ model-gate: fail · binary · 5000 rows`)).toBe(true);
  const firstScreen = report.markdown.slice(0, report.markdown.indexOf('<details>'));
  expect(summary.startsWith(firstScreen)).toBe(true);
  expect(firstScreen).toContain('- ❌ accuracy 0.7000 is below min 0.8.');
  const changelogBlock = report.markdown.slice(report.markdown.lastIndexOf('<details>\n<summary>Changelog entry</summary>'));
  expect(changelogBlock).toContain('## [Unreleased] - 2026-12-02');
  expect(summary.endsWith(changelogBlock)).toBe(true);
  expect(brokenMarkdown(summary)).toEqual([]);
  expect(summary).toMatch(/> This summary was cut short to fit GitHub's job summary limit\. The full report is in the JSON report \(output `report-json`/);
  expect(summary).toMatch(/\n> Cut: Slices \(\d+ of \d+ lines kept\)\./);
});

test('a release event: the summary and the log say first that this step cannot block the release', async () => {
  const event = eventContextFrom(
    { GITHUB_EVENT_NAME: 'release', GITHUB_REF: 'refs/tags/v1.4.0', GITHUB_REPOSITORY: 'acme/models' },
    { action: 'published', release: { tag_name: 'v1.4.0', draft: false, prerelease: false, html_url: 'https://github.com/acme/models/releases/tag/v1.4.0' } }
  );
  expect(event.tag).toEqual({ name: 'v1.4.0', version: '1.4.0' });
  const ctx = publishContext([], { event });
  await runPublishers([jobSummary], ctx);
  const summary = env.summary();
  const lines = summary.split('\n');
  expect(lines[0]).toBe(commentMarker('default'));
  expect(lines[1]).toBe('> [!WARNING]');
  expect(lines[2]).toMatch(/^> This run is for a `release` event \(published\): the release \*\*v1\.4\.0\*\* already exists, and a failing verdict here cannot block or undo it/);
  expect(lines[2]).toContain('gate job that the release job `needs:`');
  expect(summary).toContain(ctx.report.markdown.slice(commentMarker('default').length + 1));
  const warnings = env.stdout().filter((l) => l.startsWith('::warning::'));
  expect(warnings).toEqual([`::warning::${releaseEventNotice(event)!}`]);
  expect(warnings[0]).toContain('the release "v1.4.0" already exists');
  // Any other event: no notice.
  expect(releaseEventNotice(eventContextFrom({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.4.0' }, {}))).toBeUndefined();
});

// Last: it leaves a folder where the summary file was.
test('a summary file that cannot be written is a warning naming the job summary', async () => {
  const file = process.env.GITHUB_STEP_SUMMARY!;
  rmSync(file);
  mkdirSync(file); // a folder where the file should be
  const results = await runPublishers([jobSummary], publishContext([]));
  expect(results[0]).toMatchObject({ name: 'summary', status: 'failed', detail: expect.stringMatching(/^Could not write the job summary: /) });
  expect(env.stdout().filter((l) => l.startsWith('::warning::Could not write the job summary: '))).toHaveLength(1);
  rmSync(file, { recursive: true });
});
