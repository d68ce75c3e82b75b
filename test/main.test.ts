// run() in-process, as the runner calls it: the parts put together print the same lines, in the same
// order, as the bundle's end-to-end tests expect (test/e2e/action.test.ts runs dist/index.js itself).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../src/main.js';
import { capture } from './support/capture.js';
import { startGitHubApi, type GitHubApi } from './support/github-api-server.js';
import { parseOutputs } from './publish/action-env.js';

const root = process.cwd();
const TOKEN = 'ghs_mainSecretToken_0123456789abcdef';

// One folder for the file: core.summary keeps the first GITHUB_STEP_SUMMARY it sees, as on a runner.
let api: GitHubApi | undefined;
let dir: string;
const savedEnv = { ...process.env };
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'mg-main-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  process.env = { ...savedEnv };
  process.exitCode = undefined;
  await api?.close();
  api = undefined;
});

/** One step: the runner's environment, the inputs, run(), then what it left behind. */
async function step(inputs: Record<string, string>, event: string) {
  api = await startGitHubApi({ token: TOKEN });
  writeFileSync(path.join(dir, 'output'), '');
  writeFileSync(path.join(dir, 'summary'), '');
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_') || k.startsWith('GITHUB_')) delete process.env[k];
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'),
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    RUNNER_TEMP: dir,
    SOURCE_DATE_EPOCH: '1767312000',
    'INPUT_GITHUB-TOKEN': TOKEN,
    INPUT_COMMENT: 'true',
    INPUT_CONFIG: 'fixtures/penguins-sex/model-gate.yml',
  });
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  const io = capture();
  try {
    await run();
  } finally {
    io.restore();
  }
  const stdout = io.out.join('').split('\n');
  // The lines a reader follows: model-gate's own, the annotations and warnings, not the pipeline's groups.
  const story = stdout.filter((l) => /^(model-gate|Pull request comment|Not a pull request|::(error|warning)::)/.test(l));
  return {
    stdout,
    story,
    exitCode: process.exitCode,
    outputs: parseOutputs(readFileSync(path.join(dir, 'output'), 'utf8')),
    summary: readFileSync(path.join(dir, 'summary'), 'utf8'),
  };
}

test('a pull request: outputs, summary, comment, then the verdict; the token in no line', async () => {
  const result = await step({}, 'pull_request');
  expect(result.stdout[0]).toBe(`::add-mask::${TOKEN}`);
  const comment = api!.state.comments[0]!;
  expect(api!.state.comments).toHaveLength(1);
  expect(result.outputs['comment-id']).toBe(String(comment.id));
  expect(result.outputs.verdict).toMatch(/^(pass|warn)$/);
  expect(result.story[0]).toBe('model-gate: starting');
  expect(result.story.slice(-2)).toEqual([
    `Pull request comment created: https://github.com/octo-org/model-repo/pull/42#issuecomment-${comment.id}`,
    `model-gate: verdict ${result.outputs.verdict}`,
  ]);
  expect(result.summary).toBe(comment.body);
  expect(JSON.parse(readFileSync(result.outputs['report-json']!, 'utf8')).verdict).toBe(result.outputs.verdict);
  expect(result.outputs.changelog).toMatch(/^## \[Unreleased\] - 2026-01-02/);
  expect(result.exitCode ?? 0).toBe(0);
  expect(result.stdout.slice(1).join('\n')).not.toContain(TOKEN);
  expect(api!.violations).toEqual([]);
});

test('bad input on a push: one error, no comment, the verdict, then exit code 2', async () => {
  const result = await step({ task: 'bogus' }, 'push');
  expect(result.outputs.verdict).toBe('fail');
  expect(result.outputs['comment-id']).toBeUndefined();
  expect(api!.requests).toEqual([]);
  expect(result.story).toEqual([
    'model-gate: starting',
    expect.stringMatching(/^::error::.*task.*bogus/),
    'Not a pull request event: the report is in the job summary only.',
    'model-gate: verdict fail',
    '::error::model-gate verdict: fail (see the errors above)',
    'model-gate: exit code 2 (bad input: see the error above)',
  ]);
  expect(result.exitCode).toBe(2);
  const report = JSON.parse(readFileSync(result.outputs['report-json']!, 'utf8')) as { findings: { kind: string }[] };
  expect(report.findings.map((f) => f.kind)).toEqual(['input_error']);
  expect(result.summary).toContain('model-gate');
});
