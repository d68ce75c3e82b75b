// Baselines from git revisions through evaluate(), in real repositories: the penguins-sex networks
// committed at successive revisions under one path (models/sex). A pull request compares against @base,
// a tag push against @previous-release; a baseline that cannot be had is its own bad-input finding; the
// temporary folders never show in a report and are gone when evaluate() ends.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BAD_INPUT_KINDS, InputError } from '../../src/errors.js';
import { evaluate, stepFails } from '../../src/pipeline/evaluate.js';
import { hiddenFinding, hideFolder, revisionShown, shownPath } from '../../src/pipeline/git-baselines.js';
import { silentLog, type Log } from '../../src/pipeline/log.js';
import { baseName } from '../../src/report/changelog.js';
import { renderReport } from '../../src/report/render.js';
import { confineSettings, rootsOf } from '../../src/settings/confine.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { cleanUp, clone, commit, git, newRepo, tempDir } from '../git/repos.js';

afterAll(cleanUp);

const FIXTURES = path.join(process.cwd(), 'fixtures', 'penguins-sex');
const fx = (p: string) => readFileSync(path.join(FIXTURES, p));
/** The better network (accuracy 0.936 on eval.csv) and the older, worse one (0.894). */
const good = { 'models/sex/model.json': fx('candidate/model.json'), 'models/sex/weights.bin': fx('candidate/weights.bin') };
const worse = { 'models/sex/model.json': fx('baseline/model.json'), 'models/sex/weights.bin': fx('baseline/weights.bin') };

// History of the origin: v1.0.0 the good network (and a predictions file elsewhere), v1.1.0 the worse one
// (main), then a pull request branch that brings the good one back.
let origin: string;
let v100: string;
let v110: string;
let pr: string;
beforeAll(() => {
  origin = newRepo();
  v100 = commit(origin, { ...good, 'data/eval.csv': fx('eval.csv'), 'legacy/predictions.csv': fx('baseline-predictions.csv') }, 'good network');
  git(origin, 'tag', 'v1.0.0');
  v110 = commit(origin, { ...worse, 'legacy/predictions.csv': null }, 'retrained, worse');
  git(origin, 'tag', 'v1.1.0');
  git(origin, 'checkout', '-q', '-b', 'pr');
  pr = commit(origin, good, 'better network');
  git(origin, 'checkout', '-q', 'main');
});

const ENV_NAMES = ['GITHUB_EVENT_PATH', 'GITHUB_REF', 'GITHUB_BASE_REF', 'RUNNER_TEMP', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'HOME'] as const;
const saved = Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]));
let runnerTemp: string;
beforeEach(() => {
  // evaluate() runs git with process.env: no pull request, no tag, unless a test says so; no user config.
  for (const n of ENV_NAMES) delete process.env[n];
  runnerTemp = tempDir('mg-runner-temp-');
  Object.assign(process.env, { RUNNER_TEMP: runnerTemp, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: tempDir('mg-home-') });
});
afterEach(() => {
  for (const n of ENV_NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

/** A pull_request event payload whose base is `sha`. */
function pullRequestEvent(sha: string): string {
  const file = path.join(tempDir('mg-event-'), 'event.json');
  writeFileSync(file, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, base: { ref: 'main', sha }, head: { ref: 'pr', sha: pr } } }));
  return file;
}

const settingsIn = (work: string, over: RawInputs) =>
  resolveSettings({ candidate: 'models/sex/model.json', data: 'data/eval.csv', 'label-column': 'sex', 'id-column': 'id', task: 'binary', ...over }, undefined, work);

/** Everything a run prints or publishes, as one text. */
function published(e: Awaited<ReturnType<typeof evaluate>>): string {
  const r = renderReport(e, { date: '2026-12-02' });
  return `${JSON.stringify(r.json)}\n${r.markdown}\n${r.changelog}`;
}

/** A log that keeps every line. */
function keptLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const log: Log = {
    info: (m) => lines.push(m),
    warning: (m) => lines.push(m),
    debug: (m) => lines.push(m),
    group: async (name, fn) => {
      lines.push(name);
      return fn();
    },
  };
  return { log, lines };
}

describe('the baselines input with git revisions', () => {
  const at = (baselines: string) => settingsIn('/w', { baselines }).baselines;

  test('name=@rev and bare @rev, with the candidate\'s path or another', () => {
    const [main, base, release, old, file] = at('main=@base\n@base:models/other.onnx\nrelease=@previous-release\n@0123456789abcdef0123456789abcdef01234567:legacy/preds.csv\nfiles=./@odd/model.json');
    expect(main).toEqual({ name: 'main', path: '/w/models/sex/model.json', git: { kind: 'base', text: '@base', cwd: '/w' } });
    expect(base).toEqual({ name: 'base', path: '/w/models/other.onnx', git: { kind: 'base', path: 'models/other.onnx', text: '@base:models/other.onnx', cwd: '/w' } });
    expect(release).toMatchObject({ name: 'release', git: { kind: 'previous-release' } });
    expect(old).toMatchObject({ name: '0123456', path: '/w/legacy/preds.csv', git: { kind: 'rev', rev: '0123456789abcdef0123456789abcdef01234567', path: 'legacy/preds.csv' } });
    // A file whose name starts with "@" is written ./@name.
    expect(file).toEqual({ name: 'files', path: '/w/@odd/model.json' });
    expect(at('v1.2=@v1.2.0')[0]).toMatchObject({ name: 'v1.2', git: { kind: 'rev', rev: 'v1.2.0' } });
    expect(at('@release/2.x')[0]).toMatchObject({ name: 'release/2.x', git: { kind: 'rev', rev: 'release/2.x' } });
  });

  test('a malformed revision or path is an input error naming the input', () => {
    for (const [value, why] of [
      ['main=@HEAD~1', /^baselines \("main"\): "@HEAD~1" names a revision with characters other than/],
      ['@--upload-pack=x', /^baselines: "@--upload-pack=x" names a revision that starts with "-"/],
      ['old=@v1:../etc/passwd', /^baselines \("old"\): "@v1:..\/etc\/passwd" names a path with an empty, "." or ".." part/],
      ['@', /^baselines: "@" names no revision/],
    ] as const) {
      let thrown: unknown;
      try {
        at(value);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as Error).message).toMatch(why);
    }
    // Two bare @base baselines share a name: the message says how to name them.
    expect(() => at('@base\n@base:models/other.onnx')).toThrow(/baseline name "base" is used twice/);
  });

  test('a git baseline is not confined as a file path; a file baseline still is', () => {
    const work = tempDir();
    const s = settingsIn(work, { baselines: 'old=@v1.0.0:models/sex/model.json' });
    const elsewhere = rootsOf(tempDir(), []);
    // The candidate and data are outside these roots; only the git baseline must pass.
    expect(() => confineSettings({ ...s, candidate: { name: 'candidate', path: path.join(elsewhere.shown[0], 'c.onnx') }, data: path.join(elsewhere.shown[0], 'd.csv') }, elsewhere)).not.toThrow();
    const withFile = settingsIn(work, { baselines: 'old=models/old.onnx' });
    expect(() => confineSettings({ ...withFile, candidate: { name: 'candidate', path: path.join(elsewhere.shown[0], 'c.onnx') }, data: path.join(elsewhere.shown[0], 'd.csv') }, elsewhere)).toThrow(
      /^baselines \("old"\): .* lies outside the workspace/,
    );
  });
});

describe('evaluate() with git baselines', () => {
  test('a pull request against @base (a shallow checkout fetches the base): the merge base is the baseline, shown by its revision', async () => {
    const work = clone(origin, { depth: 1, branch: 'pr' });
    process.env.GITHUB_EVENT_PATH = pullRequestEvent(v110);
    const { log, lines } = keptLog();
    const e = await evaluate(settingsIn(work, { baselines: 'main=@base', thresholds: 'accuracy: { max-drop: 0.02 }' }), log);
    expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(e.models.map((m) => `${m.name}:${m.role}`)).toEqual(['candidate:candidate', 'main:baseline', 'dummy:dummy']);
    const main = e.models.find((m) => m.name === 'main')!;
    expect(main.path).toBe(`@base (merge base ${v110.slice(0, 7)}): models/sex/model.json`);
    // The worse network was at the base: the same metrics as the fixture file gives.
    const direct = await evaluate(resolveSettings({ candidate: path.join(FIXTURES, 'baseline'), data: path.join(FIXTURES, 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', task: 'binary' }, undefined, process.cwd()), silentLog);
    expect(main.metrics.accuracy.value).toBe(direct.models[0].metrics.accuracy.value);
    expect(main.files.map((f) => f.path)).toEqual([`@base (merge base ${v110.slice(0, 7)}): models/sex/model.json`, `@base (merge base ${v110.slice(0, 7)}): models/sex/weights.bin`]);
    expect(main.files.map((f) => f.sha256)).toEqual(direct.models[0].files.map((f) => f.sha256));
    expect(e.gate.verdict).toBe('pass');
    // Published and logged: the revision, never the temporary folder; and the folder is gone.
    const text = published(e);
    // The comment writes "@" as &#64; (no mentions); the JSON keeps it.
    expect(text).toContain(`&#64;base (merge base ${v110.slice(0, 7)}): sex/model.json`);
    expect(text).toContain(`"path":"@base (merge base ${v110.slice(0, 7)}): models/sex/model.json"`);
    expect(text).not.toContain(runnerTemp);
    expect(text).not.toContain('model-gate-git-');
    expect(lines.join('\n')).not.toContain(runnerTemp);
    expect(lines).toContain(`Evaluating baseline main (@base (merge base ${v110.slice(0, 7)}): models/sex/model.json)`);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('a tag push against @previous-release: the release before the pushed tag; a worse candidate fails the gate', async () => {
    const work = clone(origin, { branch: 'v1.1.0' });
    process.env.GITHUB_REF = 'refs/tags/v1.1.0';
    const e = await evaluate(settingsIn(work, { baselines: 'release=@previous-release', thresholds: 'accuracy: { max-drop: 0.02 }' }), silentLog);
    expect(e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
      'accuracy against release: 0.8936 vs 0.9362, worse by 4.255 pp, more than max-drop 0.02 (2 pp).',
    ]);
    const release = e.models.find((m) => m.name === 'release')!;
    expect(release.path).toBe(`@previous-release (v1.0.0, ${v100.slice(0, 7)}): models/sex/model.json`);
    expect(release.metrics.accuracy.value).toBeGreaterThan(e.models[0].metrics.accuracy.value + 0.02);
    expect(e.gate.verdict).toBe('fail');
    expect(stepFails(e, ['regression'])).toBe(true);
    const text = published(e);
    expect(text).toContain(`&#64;previous-release (v1.0.0, ${v100.slice(0, 7)}): sex/model.json`);
    expect(text).not.toContain(runnerTemp);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('the first release: no previous release is a warning that drops that baseline; the thresholds and the dummy still gate', async () => {
    const work = clone(origin, { depth: 1, branch: 'v1.0.0' });
    process.env.GITHUB_REF = 'refs/tags/v1.0.0';
    const e = await evaluate(settingsIn(work, { baselines: 'release=@previous-release', thresholds: 'accuracy: { min: 0.99 }' }), silentLog);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
    const first = e.gate.findings.find((f) => f.kind === 'no_previous_release');
    expect(first).toEqual({
      kind: 'no_previous_release',
      severity: 'warning',
      message:
        'baselines ("release"): @previous-release: there is no release tag (vX.Y.Z or X.Y.Z) below the pushed tag "v1.0.0", so this is the first release. ' +
        'This baseline is left out: the thresholds and the dummy baseline still gate the candidate.',
    });
    expect(e.gate.findings.filter((f) => BAD_INPUT_KINDS.has(f.kind) || f.kind === 'internal_error')).toEqual([]);
    // The threshold still gates: the candidate's accuracy is below 0.99.
    expect(e.gate.verdict).toBe('fail');
    expect(stepFails(e, ['regression'])).toBe(true);
    const passing = await evaluate(settingsIn(work, { baselines: 'release=@previous-release', thresholds: 'accuracy: { min: 0.5 }' }), silentLog);
    expect(passing.gate.verdict).toBe('warn');
    expect(stepFails(passing, ['regression'])).toBe(false);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('@<sha>:other/path and @<tag>: another path at a commit, the candidate\'s path at a tag', async () => {
    const work = clone(origin, { branch: 'pr' });
    const e = await evaluate(settingsIn(work, { baselines: `prod=@${v100}:legacy/predictions.csv\n@v1.1.0` }), silentLog);
    expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(e.models.map((m) => [m.name, m.path])).toEqual([
      ['candidate', path.join(work, 'models', 'sex', 'model.json')],
      ['prod', `@${v100.slice(0, 7)}: legacy/predictions.csv`],
      ['v1.1.0', `@v1.1.0 (${v110.slice(0, 7)}): models/sex/model.json`],
      ['dummy', expect.any(String)],
    ]);
    expect(e.models[1].engine).toBe('predictions file');
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('a git baseline that cannot be had is its own bad-input finding; the others still run', async () => {
    const work = clone(origin, { depth: 1, branch: 'pr' });
    const e = await evaluate(settingsIn(work, { baselines: `main=@base\nold=@v9.9.9\nfile=${path.join(FIXTURES, 'baseline-predictions.csv')}\nrelease=@v1.0.0` }), silentLog);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'file', 'release', 'dummy']);
    const errors = e.gate.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.kind)).toEqual(['input_error', 'input_error']);
    expect(errors.every((f) => BAD_INPUT_KINDS.has(f.kind))).toBe(true);
    expect(errors[0].message).toMatch(/^baselines \("main"\): @base is the pull request's merge base, and this run has no pull request/);
    expect(errors[1].message).toMatch(/^baselines \("old"\): "@v9.9.9": no tag, branch or commit of that name is in the checkout, and fetching it from origin failed .*set `fetch-depth: 0`/);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('an LFS pointer whose object is nowhere: that baseline\'s bad-input finding, saying what to do', async () => {
    const repo = newRepo();
    // The pointer git-lfs would commit for the weights, without the object in any LFS store.
    const weights = fx('baseline/weights.bin');
    const oid = createHash('sha256').update(weights).digest('hex');
    commit(repo, { ...worse, 'models/sex/weights.bin': `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${weights.length}\n`, 'data/eval.csv': fx('eval.csv') }, 'pointer only');
    git(repo, 'tag', 'v1.0.0');
    commit(repo, good, 'better');
    const e = await evaluate(settingsIn(repo, { baselines: `lfs=@v1.0.0\nfile=${path.join(FIXTURES, 'baseline-predictions.csv')}` }), silentLog);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'file', 'dummy']);
    const errors = e.gate.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.kind)).toEqual(['model_error']);
    expect(errors[0].message).toMatch(/^baselines \("lfs"\): "models\/sex\/weights\.bin" at v1\.0\.0 \([0-9a-f]{7}\) is a Git LFS pointer, and /);
    expect(errors[0].message).toMatch(/git-lfs is not installed|`lfs: true`/);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('the temporary folders are removed when the evaluation stops early too', async () => {
    const work = clone(origin, { branch: 'pr' });
    const e = await evaluate(settingsIn(work, { baselines: 'main=@v1.1.0', data: 'data/missing.csv' }), silentLog);
    expect(e.models).toEqual([]);
    expect(e.gate.findings.some((f) => f.severity === 'error')).toBe(true);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);

  test('an error from a git baseline\'s engine names its revision, not the temporary folder', async () => {
    const repo = newRepo();
    commit(repo, { ...good, 'data/eval.csv': fx('eval.csv') }, 'good');
    git(repo, 'tag', 'v1.0.0');
    // At HEAD the candidate is fine; at v0 one model.json names a shard that was never committed (git says
    // so), and another is not a model at all (the engine says so, naming the file).
    const broken = JSON.parse(fx('candidate/model.json').toString('utf8'));
    broken.weightsManifest[0].paths = ['weights.bin', 'missing.bin'];
    commit(repo, { 'old/model.json': JSON.stringify(broken), 'old/weights.bin': fx('candidate/weights.bin'), 'bad/model.json': 'not a model' }, 'broken');
    git(repo, 'tag', 'v0');
    const e = await evaluate(settingsIn(repo, { baselines: 'old=@v0:old/model.json\nbad=@v0:bad/model.json' }), silentLog);
    const errors = e.gate.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.kind)).toEqual(['model_error', 'model_error']);
    expect(errors[0].message).toContain('"old/model.json" at v0 (');
    expect(errors[0].message).toContain('names the file "missing.bin", which is not in the repository');
    expect(errors[1].message).toMatch(/^@v0 \([0-9a-f]{7}\): bad\/model\.json/);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
    expect(published(e)).not.toContain(runnerTemp);
    expect(readdirSync(runnerTemp)).toEqual([]);
  }, 60000);
});

describe('an unexpected error while writing a git baseline out', () => {
  test('shows the revision or "the temporary folder", never the temporary path', () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write '/home/runner/work/_temp/model-gate-git-Ab12cd/models/sex/weights.bin'"), { code: 'ENOSPC' });
    const f = hiddenFinding(enospc, '@base (merge base 1a2b3c4)');
    expect(f.kind).toBe('internal_error');
    expect(f.message).toContain("write '@base (merge base 1a2b3c4): models/sex/weights.bin'");
    expect(f.message).not.toContain('_temp');
    const eacces = new Error("EACCES: permission denied, mkdtemp '/tmp/model-gate-git-XXXXXX'");
    expect(hiddenFinding(eacces, undefined).message).toContain("mkdtemp 'the temporary folder'");
    expect(hiddenFinding(new InputError('C:\\runner\\_temp\\model-gate-git-x\\m.onnx (in C:\\runner\\_temp\\model-gate-git-x)'), '@v1 (1a2b3c4)').message).toBe('@v1 (1a2b3c4): m.onnx (in @v1 (1a2b3c4))');
  });
});

describe('how a git baseline is shown', () => {
  const sha = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
  test('the revision as written and as resolved', () => {
    expect(revisionShown('@base', { kind: 'base' }, { sha, label: 'merge base 1a2b3c4' })).toBe('@base (merge base 1a2b3c4)');
    expect(revisionShown('@previous-release:models/sex', { kind: 'previous-release' }, { sha, label: 'v1.2.0 (1a2b3c4)' })).toBe('@previous-release (v1.2.0, 1a2b3c4)');
    expect(revisionShown('@v1.2.0', { kind: 'rev', rev: 'v1.2.0' }, { sha, label: 'v1.2.0 (1a2b3c4)' })).toBe('@v1.2.0 (1a2b3c4)');
    expect(revisionShown(`@${sha}:a/b.onnx`, { kind: 'rev', rev: sha }, { sha, label: '1a2b3c4' })).toBe('@1a2b3c4');
  });

  test('reports keep the revision and shorten the path; the folder is replaced wherever it appears', () => {
    const g = { revision: '@previous-release (v1.2.0, 1a2b3c4)', repoPath: 'models/sex/model.json', dir: '/tmp/model-gate-git-x' };
    expect(shownPath(g)).toBe('@previous-release (v1.2.0, 1a2b3c4): models/sex/model.json');
    expect(baseName(shownPath(g))).toBe('@previous-release (v1.2.0, 1a2b3c4): sex/model.json');
    expect(baseName('@release/2.x (1a2b3c4): a/b/c/model.onnx')).toBe('@release/2.x (1a2b3c4): c/model.onnx');
    expect(baseName('/home/runner/work/repo/models/sex/model.json')).toBe('sex/model.json');
    expect(hideFolder('/tmp/model-gate-git-x/models/sex/model.json: weight file "w.bin" is missing (in /tmp/model-gate-git-x)', g)).toBe(
      '@previous-release (v1.2.0, 1a2b3c4): models/sex/model.json: weight file "w.bin" is missing (in @previous-release (v1.2.0, 1a2b3c4))',
    );
  });
});
