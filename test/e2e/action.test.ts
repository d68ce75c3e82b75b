// Runs the committed bundle exactly as the runner does: node dist/index.js with INPUT_* variables,
// a real pull_request payload, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and a GitHub API on
// 127.0.0.1 that validates every request against GitHub's OpenAPI description.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi, type GitHubApiOptions } from '../support/github-api-server.js';

const root = process.cwd();
const fixtures = path.join(root, 'fixtures', 'penguins-sex');
const TOKEN = 'ghs_e2eSecretToken_0123456789abcdef';

interface StepResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses the GITHUB_OUTPUT file: name=value lines and name<<DELIMITER heredocs. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

async function runStep(api: GitHubApi, inputs: Record<string, string>, event = 'pull_request'): Promise<StepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-e2e-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'),
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': TOKEN,
    INPUT_COMMENT: 'true',
    'INPUT_FAIL-ON': 'regression',
    INPUT_TASK: 'auto',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env, cwd: root });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
}

const gateInputs = { config: 'fixtures/penguins-sex/model-gate.yml' };

let api: GitHubApi;
async function start(options: GitHubApiOptions = {}) {
  api = await startGitHubApi({ token: TOKEN, ...options });
  return api;
}
afterEach(async () => api?.close());

test('first run creates the comment, second run updates it in place', async () => {
  await start();
  const first = await runStep(api, gateInputs);
  // The only place the token may appear is the runner's own masking command.
  expect(first.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
  expect(first.code).toBe(0);
  expect(['pass', 'warn']).toContain(first.outputs.verdict);
  expect(api.state.comments).toHaveLength(1);
  const comment = api.state.comments[0];
  expect(first.outputs['comment-id']).toBe(String(comment.id));
  expect(comment.body).toContain('<!-- model-gate:comment key=default -->');
  expect(comment.body).toContain('| accuracy');
  expect(comment.body).toContain('[workflow run](https://github.com/octo-org/model-repo/actions/runs/4242)');
  expect(first.summary).toContain('### Changelog entry');
  expect(first.outputs.changelog).toMatch(/^## \[Unreleased\] - \d{4}-\d{2}-\d{2}/);

  const report = JSON.parse(readFileSync(first.outputs['report-json'], 'utf8'));
  expect(report.schemaVersion).toBe(1);
  expect(report.task).toBe('binary');
  expect(report.data.rows).toBe(94);
  expect(report.models.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual([
    'candidate:candidate',
    'main:baseline',
    'production:baseline',
    'dummy:dummy',
  ]);
  expect(report.models[0].engine).toBe('tfjs layers model');
  expect(report.models[0].backend).toMatch(/^(wasm|tensorflow)/);

  const second = await runStep(api, gateInputs);
  expect(second.code).toBe(0);
  expect(api.state.comments).toHaveLength(1);
  expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
  const methods = api.requests.map((r) => `${r.method} ${r.route}`);
  expect(methods.filter((m) => m.startsWith('POST'))).toHaveLength(1);
  expect(methods.filter((m) => m.startsWith('PATCH'))).toHaveLength(1);
  expect(api.violations).toEqual([]);
}, 60000);

test('a failing gate fails the step and still posts the comment', async () => {
  await start();
  const result = await runStep(api, { ...gateInputs, thresholds: 'accuracy: { min: 0.99 }' });
  expect(result.code).toBe(1);
  expect(result.outputs.verdict).toBe('fail');
  expect(result.stdout).toMatch(/::error::model-gate verdict: fail/);
  expect(api.state.comments[0].body).toContain('## ❌ model-gate: fail');
  expect(api.violations).toEqual([]);
}, 60000);

test('a fork pull request with a read-only token: summary, warning, no failure for that reason', async () => {
  await start({ writes: 'forbidden' });
  const result = await runStep(api, gateInputs);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/::warning::Pull request comment skipped: the token cannot write/);
  expect(result.summary).toContain('model-gate:');
  expect(result.outputs['comment-id'] ?? '').toBe('');
  expect(api.violations).toEqual([]);
}, 60000);

test('bad input: one clear error in the log and in the comment, the step fails, no stack trace', async () => {
  await start();
  const result = await runStep(api, { ...gateInputs, data: 'fixtures/penguins-sex/no-such-file.csv' });
  expect(result.code).toBe(1);
  expect(result.outputs.verdict).toBe('fail');
  expect(result.stdout).toMatch(/::error::.*no-such-file\.csv/);
  expect(result.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
  expect(api.state.comments[0].body).toMatch(/no\\?-such\\?-file\.csv/);
  expect(api.violations).toEqual([]);
}, 60000);

test('a push event writes the job summary only', async () => {
  await start();
  const result = await runStep(api, gateInputs, 'push');
  expect(result.code).toBe(0);
  expect(result.summary).toContain('| accuracy');
  expect(api.requests).toHaveLength(0);
}, 60000);
