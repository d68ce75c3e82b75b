// The built action (node dist/index.js) on a tag push with changelog-file and model-card set, in a temporary
// workspace holding a real Keep a Changelog file and a real Hugging Face model card (fixtures/docs), against
// the loopback GitHub API: the Unreleased section is released as the tag's version with the run's entry, the
// card's model-index and metrics section are updated, every other byte stays, and a rerun changes nothing.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';
import { parseOutputs } from '../support/github-outputs.js';
import { runActionProcess } from '../support/action-process.js';

const root = process.cwd();
const TOKEN = 'ghs_e2eDocumentToken_0123456789abcdef';
const CHANGELOG = readFileSync(path.join(root, 'fixtures', 'docs', 'CHANGELOG.md'), 'utf8');
const CARD = readFileSync(path.join(root, 'fixtures', 'docs', 'MODEL_CARD.md'), 'utf8');
/** 2025-12-02 00:00 UTC: the report's date, and so the release's. */
const EPOCH = '1764633600';
const SHA = 'c0ffee0000000000000000000000000000000001';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A workspace as actions/checkout leaves it: the models, the data, the changelog and the card. */
function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-docs-e2e-'));
  dirs.push(dir);
  const fx = path.join(root, 'fixtures', 'penguins-sex');
  for (const [from, to] of [
    ['candidate/model.json', 'models/sex/model.json'],
    ['candidate/weights.bin', 'models/sex/weights.bin'],
    ['baseline/model.json', 'release/sex/model.json'],
    ['baseline/weights.bin', 'release/sex/weights.bin'],
    ['eval.csv', 'data/eval.csv'],
  ]) {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    copyFileSync(path.join(fx, from!), path.join(dir, to!));
  }
  writeFileSync(path.join(dir, 'CHANGELOG.md'), CHANGELOG);
  writeFileSync(path.join(dir, 'models', 'sex', 'README.md'), CARD);
  return dir;
}

interface StepResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
}

/** node dist/index.js as the runner starts it on a push of the tag v1.2.0. */
async function runStep(node: string, api: GitHubApi, work: string, inputs: Record<string, string>): Promise<StepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-docs-run-'));
  dirs.push(dir);
  const eventPath = path.join(dir, 'event.json');
  const payload = { ref: 'refs/tags/v1.2.0', before: '0'.repeat(40), after: SHA, created: true, deleted: false, forced: false, repository: { full_name: 'octo-org/model-repo', name: 'model-repo', owner: { login: 'octo-org' } } };
  writeFileSync(eventPath, JSON.stringify(payload));
  const outputFile = path.join(dir, 'output');
  writeFileSync(outputFile, '');
  writeFileSync(path.join(dir, 'summary'), '');
  mkdirSync(path.join(dir, 'runner-temp'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: 'refs/tags/v1.2.0',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octo-org/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '4343',
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    RUNNER_TEMP: path.join(dir, 'runner-temp'),
    SOURCE_DATE_EPOCH: EPOCH,
    'INPUT_GITHUB-TOKEN': TOKEN,
    INPUT_COMMENT: 'true',
    'INPUT_FAIL-ON': 'regression',
    INPUT_TASK: 'auto',
    INPUT_CANDIDATE: 'models/sex/model.json',
    INPUT_BASELINES: 'release=release/sex/model.json',
    INPUT_DATA: 'data/eval.csv',
    'INPUT_LABEL-COLUMN': 'sex',
    'INPUT_ID-COLUMN': 'id',
    INPUT_BOOTSTRAP: '200',
    'INPUT_CHANGELOG-FILE': 'CHANGELOG.md',
    'INPUT_MODEL-CARD': 'models/sex/README.md',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const { code, stdout } = await runActionProcess(node, path.join(root, 'dist', 'index.js'), env, work);
  const out = existsSync(outputFile) && statSync(outputFile).isFile() ? readFileSync(outputFile, 'utf8') : '';
  return { code, stdout, outputs: parseOutputs(out) };
}

let api: GitHubApi;
afterEach(async () => api?.close());

describe.each(nodeBinaries())('dist/index.js under $name', (binary) => {
  beforeAll(() => requireNodeBinary(binary));

  test('a tag push with changelog-file and model-card updates both files; a rerun leaves them as they are', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const work = workspace();
    const result = await runStep(binary.path, api, work, {});
    expect(result.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.stdout).toMatch(/changelog-file "\S*CHANGELOG\.md": added the entry under Unreleased, moved Unreleased to 1\.2\.0, updated the compare links/);
    expect(result.stdout).toMatch(/model-card "\S*README\.md": updated model-index, updated the metrics section/);

    const changelog = readFileSync(path.join(work, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [Unreleased]\n\n## [1.2.0] - 2025-12-02\n\n### Added\n- A calibration plot in the evaluation notebook.\n\n### Changed\n<!-- model-gate:changelog key=default candidate=');
    expect(changelog).toContain('- Model candidate sex/model.json (sha256 b93cc84950c4) replaces release sex/model.json (sha256 a1c54fb156b7).');
    expect(changelog).toContain('[unreleased]: https://github.com/octo-org/model-repo/compare/v1.2.0...HEAD\n[1.2.0]: https://github.com/octo-org/model-repo/compare/v1.1.0...v1.2.0\n');
    // The prose above and the releases below are the file's own bytes.
    const head = CHANGELOG.slice(0, CHANGELOG.indexOf('## [Unreleased]'));
    const older = CHANGELOG.slice(CHANGELOG.indexOf('## [1.1.0]'), CHANGELOG.indexOf('[unreleased]:'));
    expect(changelog.startsWith(head)).toBe(true);
    expect(changelog).toContain(older);
    // The step's changelog output is the same entry, titled with the tag's version.
    expect(result.outputs.changelog).toMatch(/^## \[1\.2\.0\] - 2025-12-02\n/);

    const card = readFileSync(path.join(work, 'models', 'sex', 'README.md'), 'utf8');
    const meta = parse(/^---\n([\s\S]*?)^---$/m.exec(card)![1]!) as { 'model-index': { name: string; results: { dataset: { type: string }; metrics: { type: string; value: number }[] }[] }[] };
    const ours = meta['model-index'][0]!.results.find((r) => r.dataset.type === 'sex/eval.csv' || r.dataset.type === 'data/eval.csv')!;
    const report = JSON.parse(readFileSync(result.outputs['report-json']!, 'utf8'));
    const accuracy = report.models.find((m: { role: string }) => m.role === 'candidate').metrics.accuracy.value as number;
    expect(ours.metrics.find((m) => m.type === 'accuracy')!.value).toBe(Number(accuracy.toPrecision(6)));
    expect(card.slice(0, card.indexOf('model-index:'))).toBe(CARD.slice(0, CARD.indexOf('model-index:')));
    expect(card.slice(card.indexOf('widget:'), card.indexOf('<!-- model-gate:metrics:start -->'))).toBe(CARD.slice(CARD.indexOf('widget:'), CARD.indexOf('<!-- model-gate:metrics:start -->')));
    expect(card.slice(card.indexOf('<!-- model-gate:metrics:end -->'))).toBe(CARD.slice(CARD.indexOf('<!-- model-gate:metrics:end -->')));
    expect(card).toContain('| accuracy | 0.9362 |');

    // The same tag's job run again: both files as they are.
    const rerun = await runStep(binary.path, api, work, {});
    expect(rerun.code).toBe(0);
    expect(readFileSync(path.join(work, 'CHANGELOG.md'), 'utf8')).toBe(changelog);
    expect(readFileSync(path.join(work, 'models', 'sex', 'README.md'), 'utf8')).toBe(card);
    expect(rerun.stdout).toMatch(/changelog-file "\S*": unchanged/);
    expect(rerun.stdout).toMatch(/model-card "\S*": unchanged/);
    expect(api.violations).toEqual([]);
  }, 120000);

  test('a changelog-file outside the workspace is bad input (exit 2) and nothing is written', async () => {
    api = await startGitHubApi({ token: TOKEN });
    const work = workspace();
    const outside = path.join(path.dirname(work), `outside-${path.basename(work)}.md`);
    const result = await runStep(binary.path, api, work, { 'changelog-file': outside });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/::error::changelog-file: ".*outside-.*\.md" lies outside the workspace/);
    expect(existsSync(outside)).toBe(false);
    expect(readFileSync(path.join(work, 'models', 'sex', 'README.md'), 'utf8')).toBe(CARD);
    expect(api.violations).toEqual([]);
  }, 120000);
});
