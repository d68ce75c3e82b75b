// Sharding over a job matrix, end to end (issue 14, item 5): dist/index.js runs three `shard: i/3` steps
// (each leaves its partial result in its shard-dir output and publishes nothing), the test uploads each
// folder as actions/upload-artifact would into the loopback API's artifact store, and a `mode: merge` step
// of the same workflow run lists, downloads and merges them. Its JSON report, comment and check run are the
// single unsharded run's, byte for byte. A missing shard is a named error, and nothing is posted.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';
import { makeZip } from '../publish/bundle-zip.js';

const root = process.cwd();
// The built action; MODEL_GATE_E2E_DIST points at a build made elsewhere (scripts/build.mjs --out DIR).
const dist = process.env.MODEL_GATE_E2E_DIST ?? path.join(root, 'dist');
const TOKEN = 'ghs_shardMergeToken_0123456789abcdef';
const RUN_ID = '7100';
let runtime = process.execPath;

const INPUTS: Record<string, string> = {
  INPUT_CONFIG: 'fixtures/penguins-sex/model-gate.yml',
  INPUT_BOOTSTRAP: '200',
  INPUT_COMMENT: 'true',
  'INPUT_CHECK-RUN': 'true',
  'INPUT_FAIL-ON': 'regression',
};

async function runStep(api: GitHubApi, env: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-shard-e2e-'));
  const outputFile = path.join(dir, 'output');
  writeFileSync(outputFile, '');
  const full: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: outputFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path.join(root, 'test', 'support', 'fixtures', 'pull_request.opened.json'),
    GITHUB_RUN_ID: RUN_ID,
    RUNNER_TEMP: dir,
    SOURCE_DATE_EPOCH: '1796256000',
    'INPUT_GITHUB-TOKEN': TOKEN,
    ...INPUTS,
    ...env,
  };
  const { code, stdout } = await runActionProcess(runtime, path.join(dist, 'index.js'), full, root);
  return { code, stdout, outputs: parseOutputs(existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '') };
}

/** The folder zipped as upload-artifact does (entries relative to it): with zip(1) when present, else in-process deflate. */
function zipFolder(dir: string): Buffer {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-zip-')), 'artifact.zip');
  if (spawnSync('zip', ['-v'], { encoding: 'utf8' }).status === 0) {
    const r = spawnSync('zip', ['-r', '-X', '-q', out, '.'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
    return readFileSync(out);
  }
  return makeZip(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))])));
}

interface Published {
  json: string;
  comment: string;
  checkSummary: string;
  code: number;
}

describe.each(nodeBinaries())('a 3-shard matrix and its merge under $name', (binary) => {
  let single: Published;
  const zips: Buffer[] = [];

  beforeAll(async () => {
    requireNodeBinary(binary);
    runtime = binary.path;
    const api = await startGitHubApi({ token: TOKEN });
    try {
      const r = await runStep(api, {});
      expect(api.violations).toEqual([]);
      single = { code: r.code, json: readFileSync(r.outputs['report-json']!, 'utf8'), comment: api.state.comments[0]!.body, checkSummary: api.state.checkRuns[0]!.summary! };
    } finally {
      await api.close();
    }
    for (let i = 1; i <= 3; i++) {
      const shardApi = await startGitHubApi({ token: TOKEN });
      try {
        const r = await runStep(shardApi, { INPUT_SHARD: `${i}/3` });
        expect([i, r.code, r.stdout]).toEqual([i, 0, expect.stringContaining(`shard ${i}/3: wrote`)]);
        // A shard run publishes nothing and asks GitHub for nothing.
        expect(shardApi.requests).toEqual([]);
        const dir = r.outputs['shard-dir']!;
        expect(path.basename(dir)).toBe(`model-gate-shard-${i}-of-3`);
        expect(readdirSync(dir)).toEqual(['model-gate-shard.npz']);
        zips.push(zipFolder(dir));
      } finally {
        await shardApi.close();
      }
    }
  }, 300_000);

  test('the merge publishes the unsharded run\'s report, comment and check run byte for byte', async () => {
    const api = await startGitHubApi({ token: TOKEN });
    try {
      // Another run's artifact of the same name and another artifact of this run are not read.
      zips.forEach((zip, i) => api.state.artifacts.push({ id: 900 + i, runId: Number(RUN_ID), name: `model-gate-shard-${i + 1}-of-3`, zip }));
      api.state.artifacts.push({ id: 950, runId: 1, name: 'model-gate-shard-1-of-3', zip: zips[1]! });
      api.state.artifacts.push({ id: 951, runId: Number(RUN_ID), name: 'coverage', zip: makeZip({ 'a.txt': 'x' }) });
      const r = await runStep(api, { INPUT_MODE: 'merge' });
      expect(r.stdout).toContain('merging 3 shard results');
      expect(r.code).toBe(single.code);
      expect(api.violations).toEqual([]);
      expect(readFileSync(r.outputs['report-json']!, 'utf8')).toBe(single.json);
      expect(api.state.comments).toHaveLength(1);
      expect(api.state.comments[0]!.body).toBe(single.comment);
      expect(api.state.checkRuns[0]!.summary).toBe(single.checkSummary);
      expect(JSON.parse(single.json).models.length).toBeGreaterThanOrEqual(3);
    } finally {
      await api.close();
    }
  }, 120_000);

  test('a missing shard is a named error (exit 2) and nothing is posted', async () => {
    const api = await startGitHubApi({ token: TOKEN });
    try {
      api.state.artifacts.push({ id: 900, runId: Number(RUN_ID), name: 'model-gate-shard-1-of-3', zip: zips[0]! });
      api.state.artifacts.push({ id: 902, runId: Number(RUN_ID), name: 'model-gate-shard-3-of-3', zip: zips[2]! });
      const r = await runStep(api, { INPUT_MODE: 'merge' });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('shard 2/3 is missing (found 1/3, 3/3)');
      expect(api.state.comments).toEqual([]);
      expect(api.state.checkRuns).toEqual([]);
      expect(api.violations).toEqual([]);
    } finally {
      await api.close();
    }
  }, 120_000);

  test('a shard step that cannot be sharded (perf: true) fails with exit 2 and asks GitHub for nothing', async () => {
    const api = await startGitHubApi({ token: TOKEN });
    try {
      const r = await runStep(api, { INPUT_SHARD: '1/3', INPUT_PERF: 'true' });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('`shard: 1/3` cannot measure latency (`perf: true`)');
      expect(r.outputs['shard-dir']).toBeUndefined();
      expect(api.requests).toEqual([]);
    } finally {
      await api.close();
    }
  }, 60_000);
});

test('the CLI: ONNX through onnxruntime-node (native, CPU) on 7 shards merges into the unsharded report byte for byte', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-shard-native-'));
  const args = ['--candidate', 'fixtures/onnx/species.onnx', '--baselines', 'graph=fixtures/penguins-species/candidate-graph/model.json',
    '--data', 'fixtures/penguins-species/eval.csv', '--train-data', 'fixtures/penguins-species/train.csv',
    '--label-column', 'species', '--id-column', 'id', '--bootstrap', '200', '--onnx-runtime', 'native', '--batch-size', '16', '-q'];
  const cli = (more: string[]) => {
    const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), ...more], { cwd: root, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1796256000' } });
    expect([more.join(' '), r.status, r.stderr]).toEqual([more.join(' '), 0, '']);
  };
  cli(['evaluate', ...args, '--json', path.join(dir, 'single.json')]);
  const shards = Array.from({ length: 7 }, (_, i) => path.join(dir, `s${i + 1}`));
  shards.forEach((s, i) => cli(['evaluate', ...args, '--shard', `${i + 1}/7`, '--shard-dir', s]));
  cli(['merge', '--shards', ...shards, ...args, '--json', path.join(dir, 'merged.json')]);
  const single = readFileSync(path.join(dir, 'single.json'), 'utf8');
  expect(single).toContain('"backend": "onnxruntime-node cpu"');
  expect(readFileSync(path.join(dir, 'merged.json'), 'utf8')).toBe(single);
}, 180_000);
