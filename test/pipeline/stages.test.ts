// evaluate() as a fold over named stages: each stage on its own, on the real fixtures, returns its part
// and its findings; a failing model or file stays a finding of the stage it failed in; the verdict is
// decided in one place.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { diagnoseStage } from '../../src/pipeline/stages/diagnose.js';
import { measureStage } from '../../src/pipeline/stages/measure.js';
import { predictStage } from '../../src/pipeline/stages/predict.js';
import { prepareStage } from '../../src/pipeline/stages/prepare.js';
import { uncertaintyStage } from '../../src/pipeline/stages/uncertainty.js';
import { gateStage } from '../../src/pipeline/stages/gate.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

const sex = (over: RawInputs = {}) =>
  resolveSettings(
    {
      candidate: fx('penguins-sex', 'candidate'),
      baselines: `main=${fx('penguins-sex', 'baseline')}\nproduction=${fx('penguins-sex', 'baseline-predictions.csv')}`,
      data: fx('penguins-sex', 'eval.csv'),
      'train-data': fx('penguins-sex', 'train.csv'),
      'label-column': 'sex',
      'id-column': 'id',
      bootstrap: '100',
      ...over,
    },
    undefined,
    root,
  );

test('the stages one by one give what evaluate() gives, part by part', async () => {
  const settings = sex();
  const ctx = { settings, log: silentLog };
  const prepared = await prepareStage(ctx);
  expect(prepared.findings).toEqual([]);
  const run = prepared.part!;
  expect(run.prep.task).toBe('binary');
  expect(run.trainPrep?.dataset.rowCount).toBe(239);

  const predicted = await predictStage(ctx, run);
  expect(predicted.findings).toEqual([]);
  expect(predicted.part.map((r) => [r.spec.name, r.role, r.predictions.kind])).toEqual([
    ['candidate', 'candidate', 'binary'],
    ['main', 'baseline', 'binary'],
    ['production', 'baseline', 'binary'],
  ]);
  // A predictions file holds the evaluation rows only: no training-row predictions for it.
  expect(predicted.part.map((r) => r.trainPredictions !== undefined)).toEqual([true, true, false]);
  expect(predicted.part[0].hardware?.engine).toBe('tfjs layers model');

  const measured = await measureStage(ctx, run, predicted.part);
  expect(measured.part.models.map((m) => m.name)).toEqual(['candidate', 'main', 'production', 'dummy']);
  expect(measured.part.trained.map((t) => t.name)).toEqual(['candidate', 'main']);

  const u = await uncertaintyStage(ctx, run, measured.part);
  expect(u.part.info?.resamples).toBe(100);
  expect(Object.keys(u.part.deltas).sort()).toEqual(['dummy', 'main', 'production']);

  const diagnosis = await diagnoseStage(ctx, run, measured.part, u.part);
  expect(diagnosis.part.gaps?.length).toBeGreaterThan(0);
  expect(diagnosis.part.release?.baseline).toBe('main');

  const findings = [...prepared.findings, ...predicted.findings, ...measured.findings, ...u.findings, ...diagnosis.findings];
  const g = gateStage(settings, run.prep.task, u.part.models, findings, u.part.deltas);
  const whole = await evaluate(settings, silentLog);
  expect(g.verdict).toBe(whole.gate.verdict);
  expect(g.findings).toEqual(whole.gate.findings);
  expect(g.comparisons).toEqual(whole.gate.comparisons);
  expect(u.part.models).toEqual(whole.models);
});

test('prepare: unreadable data is its finding, and no part: nothing can be evaluated', async () => {
  const r = await prepareStage({ settings: sex({ data: fx('penguins-sex', 'no-such.csv') }), log: silentLog });
  expect(r.part).toBeUndefined();
  expect(r.findings).toHaveLength(1);
  expect(r.findings[0]).toMatchObject({ severity: 'error' });
  expect(r.findings[0].message).toContain('no-such.csv');
});

test('prepare: a bad training file loses only the training data', async () => {
  const r = await prepareStage({ settings: sex({ 'train-data': fx('penguins-sex', 'candidate', 'model.json') }), log: silentLog });
  expect(r.part?.prep.task).toBe('binary');
  expect(r.part?.trainPrep).toBeUndefined();
  expect(r.findings.map((f) => f.severity)).toEqual(['error']);
  r.part?.candidate.dispose();
});

test('predict: a baseline that cannot be opened is a finding of this stage; the others still run', async () => {
  const settings = sex({ baselines: `broken=${fx('penguins-sex', 'eval.csv')}\nmain=${fx('penguins-sex', 'baseline')}` });
  const ctx = { settings, log: silentLog };
  const run = (await prepareStage(ctx)).part!;
  const r = await predictStage(ctx, run);
  expect(r.part.map((m) => m.spec.name)).toEqual(['candidate', 'main']);
  expect(r.findings).toHaveLength(1);
  expect(r.findings[0].severity).toBe('error');
  expect(r.findings[0].message).toContain('broken');
});

test('the verdict is decided in one place: only the gate stage and failedEvaluation call gate()', () => {
  const callers: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && /\bgate\(/.test(readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) callers.push(path.relative(root, file));
    }
  };
  walk(path.join(root, 'src'));
  expect(callers.sort()).toEqual(['src/analysis/compare.ts', 'src/pipeline/evaluate.ts', 'src/pipeline/stages/gate.ts']);
  // In evaluate.ts, only failedEvaluation (no model ran: nothing to compare) calls it.
  const evaluateTs = readFileSync(path.join(root, 'src', 'pipeline', 'evaluate.ts'), 'utf8');
  expect(evaluateTs.match(/\bgate\(/g)).toHaveLength(1);
  expect(evaluateTs).toMatch(/export function failedEvaluation\([^\n]*\n[^\n]*\bgate\(/);
});
