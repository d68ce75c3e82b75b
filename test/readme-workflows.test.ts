// The README's workflows: every ```yaml block that is a whole workflow is valid GitHub workflow YAML by
// SchemaStore's schema (vendored in test/support, as test/workflows.test.ts loads it), and the release
// gating workflows have the structure the README promises. Every `uses:` of this action is pinned.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule.default;
const SCHEMA = JSON.parse(readFileSync('test/support/github-workflow.schema.json', 'utf8'));
const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
addFormats(ajv);
const validate = ajv.compile(SCHEMA);

type Step = { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { name?: string; needs?: string | string[]; permissions?: Record<string, string>; steps?: Step[]; outputs?: Record<string, string> };
type Workflow = { name?: string; on?: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const README = readFileSync('README.md', 'utf8');
/** Each ```yaml block with the section it is under. */
const blocks = [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => {
  const before = README.slice(0, m.index);
  const section = [...before.matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? '';
  return { section, text: m[1]!, parsed: parse(m[1]!) as unknown };
});
const isWorkflow = (v: unknown): v is Workflow => typeof v === 'object' && v !== null && 'jobs' in v && 'on' in v;
const workflows = blocks.filter((b) => isWorkflow(b.parsed)).map((b) => ({ ...b, workflow: b.parsed as Workflow }));

const gateSteps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []).filter((s) => s.uses?.startsWith('OWNER/model-gate@'));

test('the README has its workflows: the GPU runner and the three of Release gating', () => {
  expect(workflows.map((w) => w.section)).toEqual(['A workflow for a self-hosted GPU runner', 'Pull requests from forks', 'Pull requests from forks', 'Sharding over a job matrix', 'Release gating', 'Release gating', 'Release gating', 'Writing changes down', 'Monitoring production', 'Monitoring production']);
});

test.each(workflows.map((w, i) => [`${i + 1}: ${w.section} (${w.workflow.name})`, w] as const))('%s is a valid GitHub workflow', (_, w) => {
  const ok = validate(w.workflow);
  expect(ok ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`)).toEqual([]);
  expect(gateSteps(w.workflow).length).toBeGreaterThan(0);
});

test('the schema check can fail: a job with a misspelt key and a step without uses or run', () => {
  expect(validate({ on: 'push', jobs: { a: { 'runs-on': 'ubuntu-latest', need: 'b', steps: [{ with: { x: 1 } }] } } })).toBe(false);
});

test('every snippet parses as YAML, and every use of this action is pinned to a release or a commit', () => {
  for (const b of blocks) expect(b.parsed).toBeDefined();
  const uses = [...README.matchAll(/uses: (\S+\/model-gate@\S+)/g)].map((m) => m[1]!);
  expect(uses.length).toBeGreaterThanOrEqual(7);
  for (const u of uses) expect(u).toMatch(/^OWNER\/model-gate@(v\d+|v\d+\.\d+\.\d+|[0-9a-f]{40}|<40-character)$/);
  expect(README).not.toContain('your-org/');
});

describe('Release gating', () => {
  const [pr, tag, release] = workflows.filter((w) => w.section === 'Release gating').map((w) => w.workflow);

  test('(a) pull requests to the default and release branches, under the job name branch protection requires', () => {
    expect(pr!.on).toEqual({ pull_request: { branches: ['main', 'release/**'] } });
    expect(pr!.on!.pull_request).not.toHaveProperty('paths');
    // Not `model-gate`: that is the name of the check run model-gate makes itself.
    expect(Object.values(pr!.jobs).map((j) => j.name)).toEqual(['model-gate-job']);
    expect(README).toContain('add the job `model-gate-job`');
    expect(gateSteps(pr!)[0]!.with!.baselines).toBe('main=@base');
    expect(pr!.permissions).toMatchObject({ 'pull-requests': 'write', checks: 'write' });
  });

  test('(b) a tag push: the gate job compares with the previous release, the release job needs it', () => {
    expect(tag!.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    const { gate, release: rel } = tag!.jobs;
    const checkout = gate!.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({ 'fetch-depth': 0, 'fetch-tags': true });
    const step = gateSteps(tag!)[0]!;
    expect(step.with!.baselines).toBe('release=@previous-release');
    expect(gate!.outputs!.changelog).toBe(`\${{ steps.${step.id}.outputs.changelog }}`);
    expect(rel!.needs).toBe('gate');
    expect(rel!.permissions).toEqual({ 'contents': 'write' });
    // The notes reach the shell through the environment, never spliced into the script.
    expect(rel!.steps!.map((s) => s.run ?? '').join('\n')).not.toContain('${{');
    expect(tag!.permissions).toEqual({ contents: 'read' });
  });

  test('(c) a release event reports and says it cannot block', () => {
    expect(release!.on).toEqual({ release: { types: ['published'] } });
    expect(Object.values(release!.jobs).every((j) => j.needs === undefined)).toBe(true);
    expect(README).toMatch(/\*\*\(c\) `release` events run after the release is published, so they cannot block it\.\*\*/);
  });
});

describe('Writing changes down', () => {
  const [tag] = workflows.filter((w) => w.section === 'Writing changes down').map((w) => w.workflow);

  test('a tag push writes the changelog and the model card, and a later step proposes them for main', () => {
    expect(tag!.on).toEqual({ push: { tags: ['v*'] } });
    const steps = Object.values(tag!.jobs).flatMap((j) => j.steps ?? []);
    const gateAt = steps.findIndex((s) => s.uses?.startsWith('OWNER/model-gate@'));
    const step = steps[gateAt]!;
    expect(step.with).toMatchObject({ 'changelog-file': 'CHANGELOG.md', 'model-card': 'models/sex/README.md', baselines: 'release=@previous-release' });
    const pr = steps.findIndex((s) => s.uses?.startsWith('peter-evans/create-pull-request@'));
    expect(pr).toBeGreaterThan(gateAt);
    expect(steps[pr]!.with!.base).toBe('main');
    expect(String(steps[pr]!.with!['add-paths']).split('\n').filter(Boolean)).toEqual(['CHANGELOG.md', 'models/sex/README.md']);
    const job = Object.values(tag!.jobs)[0]!;
    expect(job.permissions).toMatchObject({ contents: 'write', 'pull-requests': 'write' });
    expect(tag!.permissions).toEqual({ contents: 'read' });
  });
});
