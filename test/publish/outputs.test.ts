// The verdict, report-json and changelog outputs, written where the runner reads them.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPublishers } from '../../src/publish/index.js';
import { changelogOutput, reportFileName, reportJsonOutput, verdictOutput } from '../../src/publish/outputs.js';
import { actionEnv, inputError, publishContext, type ActionEnv } from './action-env.js';

let env: ActionEnv;
beforeEach(() => (env = actionEnv()));
afterEach(() => env.restore());

const outputs = [verdictOutput, reportJsonOutput, changelogOutput];

test('sets the verdict, writes the JSON report under RUNNER_TEMP and sets the changelog', async () => {
  const ctx = publishContext([inputError('input "data": no-such.csv does not exist')]);
  const results = await runPublishers(outputs, ctx);
  const out = env.outputs();
  expect(out.verdict).toBe('fail');
  expect(out['report-json']).toBe(path.join(env.dir, 'temp', 'model-gate', reportFileName('default')));
  const report = JSON.parse(readFileSync(out['report-json']!, 'utf8'));
  expect(report).toEqual(JSON.parse(JSON.stringify(ctx.report.json)));
  expect(report.findings.map((f: { kind: string }) => f.kind)).toEqual(['input_error']);
  expect(out.changelog).toBe(ctx.report.changelog);
  expect(out.changelog).toMatch(/^## \[Unreleased\] - 2026-01-02/);
  expect(results).toEqual([
    { name: 'verdict', status: 'done', detail: 'fail' },
    { name: 'report-json', status: 'done', detail: out['report-json'] },
    { name: 'changelog', status: 'done' },
  ]);
});

test('secrets are scrubbed from the JSON report and the changelog', async () => {
  const secret = 'hf_outputsSecret_0123456789';
  const ctx = publishContext([inputError(`cannot read model ${secret}.onnx`)]);
  ctx.report.changelog += `- Candidate ${secret}.onnx\n`;
  ctx.out.addSecrets([secret]);
  await runPublishers(outputs, ctx);
  const out = env.outputs();
  // Rendered unscrubbed here (main scrubs the evaluation first): the publishers scrub what they write.
  expect(JSON.stringify(ctx.report.json)).toContain(secret);
  expect(out.changelog).not.toContain(secret);
  expect(out.changelog).toContain('***');
  const json = readFileSync(out['report-json']!, 'utf8');
  expect(json).not.toContain(secret);
  expect(json).toContain('***');
});

test('a report file that cannot be written is a warning; the verdict and changelog still come out', async () => {
  writeFileSync(path.join(env.dir, 'temp'), 'RUNNER_TEMP is a file, so its model-gate folder cannot be made');
  const results = await runPublishers(outputs, publishContext([]));
  expect(env.stdout().some((l) => l.startsWith('::warning::Could not write the JSON report: '))).toBe(true);
  expect(results.map((r) => `${r.name} ${r.status}`)).toEqual(['verdict done', 'report-json failed', 'changelog done']);
  expect(Object.keys(env.outputs()).sort()).toEqual(['changelog', 'verdict']);
});

test('an output file that is missing is a warning per output, and the report is still written', async () => {
  process.env.GITHUB_OUTPUT = path.join(env.dir, 'missing', 'output');
  const results = await runPublishers(outputs, publishContext([]));
  const warnings = env.stdout().filter((l) => l.startsWith('::warning::'));
  expect(warnings.map((l) => l.split(': ')[0])).toEqual([
    '::warning::Could not set the verdict output',
    '::warning::Could not write the JSON report',
    '::warning::Could not set the changelog output',
  ]);
  expect(results.every((r) => r.status === 'failed')).toBe(true);
  expect(readFileSync(path.join(env.dir, 'temp', 'model-gate', reportFileName('default')), 'utf8')).toContain('"findings"');
});

test('report files of different comment keys never collide', () => {
  // Before: "gate a" and "gate/a" both wrote report-gate_a.json, the second run's over the first's.
  const names = ['gate a', 'gate/a', 'gate_a', 'default', '../../etc', 'x'.repeat(300)].map(reportFileName);
  expect(new Set(names).size).toBe(names.length);
  for (const n of names) expect(n).toMatch(/^report-[A-Za-z0-9._-]{1,64}-[0-9a-f]{10}\.json$/);
});
