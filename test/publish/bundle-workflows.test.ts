// README "Pull requests from forks": its two workflows are valid GitHub workflow YAML (SchemaStore's schema,
// as test/readme-workflows.test.ts checks the others) and have the shape the section promises.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync('test/support/github-workflow.schema.json', 'utf8')));

type Step = { id?: string; uses?: string; if?: string; with?: Record<string, unknown> };
type Workflow = { name?: string; on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps?: Step[] }> };

const README = readFileSync('README.md', 'utf8');
const section = /^## Pull requests from forks\n([\s\S]*?)^## /m.exec(README)?.[1] ?? '';
const workflows = [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1]!) as Workflow);
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? []);

test('the section has the workflow pair, each valid by the schema', () => {
  expect(workflows).toHaveLength(2);
  for (const w of workflows) {
    const ok = validate(w);
    expect(ok ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`)).toEqual([]);
  }
});

test('the pull request workflow evaluates read-only and uploads the publish bundle', () => {
  const [pr] = workflows;
  expect(Object.keys(pr!.on)).toEqual(['pull_request']);
  expect(pr!.permissions).toEqual({ contents: 'read' });
  const gate = steps(pr!).find((s) => s.uses?.startsWith('OWNER/model-gate@'))!;
  const upload = steps(pr!).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  expect(gate.with?.mode ?? 'evaluate').toBe('evaluate');
  expect(upload.with?.path).toBe(`\${{ steps.${gate.id}.outputs.publish-dir }}`);
  expect(upload.if).toContain('!cancelled()');
  // A re-run attempt uploads under the same name again: upload-artifact@v4 refuses that without overwrite.
  expect(upload.with?.overwrite).toBe(true);
});

test('the workflow_run workflow publishes with the permissions it needs and checks nothing out', () => {
  const [pr, publish] = workflows;
  expect(publish!.on).toEqual({ workflow_run: { workflows: [pr!.name], types: ['completed'] } });
  expect(publish!.permissions).toEqual({ 'pull-requests': 'write', checks: 'write', actions: 'read' });
  const all = steps(publish!);
  expect(all.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
  const gate = all.find((s) => s.uses?.startsWith('OWNER/model-gate@'))!;
  const upload = steps(pr!).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  expect(gate.with).toEqual({ mode: 'publish', 'artifact-name': upload.with?.name });
});
