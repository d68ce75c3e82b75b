// The README's "Monitoring production" workflows: valid GitHub workflows by SchemaStore's schema (as
// test/readme-workflows.test.ts checks every README workflow), and wired together: the nightly run sends
// the event type the retraining workflow listens for, with the permissions both need.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync('test/support/github-workflow.schema.json', 'utf8')));

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { steps: Step[] }> };

const README = readFileSync('README.md', 'utf8');
const start = README.indexOf('\n## Monitoring production\n');
const section = README.slice(start, README.indexOf('\n## ', start + 1));
const workflows = [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1]!) as Workflow);
const actionInputs = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs);
const gateSteps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps).filter((s) => s.uses?.startsWith('OWNER/model-gate@'));

test('the section has the nightly monitor and the retraining workflow, both valid', () => {
  expect(start).toBeGreaterThan(0);
  expect(workflows).toHaveLength(2);
  for (const w of workflows) {
    const ok = validate(w);
    expect(ok ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`)).toEqual([]);
    expect(gateSteps(w).length).toBeGreaterThan(0);
    for (const s of gateSteps(w)) for (const k of Object.keys(s.with ?? {})) expect(actionInputs).toContain(k);
  }
});

test('nightly: schedule and workflow_dispatch, mode monitor, the permissions the issue and the dispatch need', () => {
  const [monitor] = workflows;
  expect(Object.keys(monitor!.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
  expect(monitor!.permissions).toEqual({ contents: 'write', issues: 'write' });
  const [step] = gateSteps(monitor!);
  expect(step!.with).toMatchObject({ mode: 'monitor', 'retrain-event': expect.any(String), 'reference-data': expect.any(String), 'current-data': expect.any(String) });
});

test('retraining listens for the event type the monitor sends, and reads the payload through env only', () => {
  const [monitor, retrain] = workflows;
  const event = gateSteps(monitor!)[0]!.with!['retrain-event'];
  expect(retrain!.on).toEqual({ repository_dispatch: { types: [event] } });
  for (const s of Object.values(retrain!.jobs).flatMap((j) => j.steps)) expect(s.run ?? '').not.toMatch(/\$\{\{[^}]*client_payload/);
});
