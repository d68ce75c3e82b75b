// The job summary: the report's markdown, cut to SUMMARY_LIMIT with a note that points at the JSON report.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { commentMarker } from '../../src/github/marker.js';
import { runPublishers } from '../../src/publish/index.js';
import { jobSummary, SUMMARY_LIMIT, SUMMARY_TRUNCATION_NOTE } from '../../src/publish/summary.js';
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
  expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
  expect(summary.length).toBeGreaterThan(SUMMARY_LIMIT * 0.9);
  expect(summary.startsWith(commentMarker('nightly gate'))).toBe(true);
  expect(summary.endsWith(`\n\n${SUMMARY_TRUNCATION_NOTE}`)).toBe(true);
  expect(summary).toContain(`${row}\n${SUMMARY_TRUNCATION_NOTE}`); // a whole row before the note, not half of one
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
