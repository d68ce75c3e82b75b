// evaluate() as a fold over named stages: each stage on its own, on the real fixtures, returns its part
// and its findings; a failing model or file stays a finding of the stage it failed in; the verdict is
// decided in one place.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { diagnoseStage } from '../../src/pipeline/stages/diagnose.js';
import { measureRest, measureStage, type MeasuredModel } from '../../src/pipeline/stages/measure.js';
import { modelTargets, predictStage } from '../../src/pipeline/stages/predict.js';
import { prepareStage } from '../../src/pipeline/stages/prepare.js';
import { uncertaintyStage } from '../../src/pipeline/stages/uncertainty.js';
import { gateStage } from '../../src/pipeline/stages/gate.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { orFinding } from '../../src/pipeline/stages/stage.js';
import { DataError } from '../../src/errors.js';
import type { Finding } from '../../src/types.js';

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

  // Model by model: predict, then measure (which also runs the model on the training rows).
  const each: MeasuredModel[] = [];
  const stageFindings = [...prepared.findings];
  for (const target of modelTargets(settings)) {
    const predicted = await predictStage(ctx, run, target);
    expect(predicted.findings).toEqual([]);
    expect(predicted.part?.predictions.kind).toBe('binary');
    if (target.role === 'candidate') expect(predicted.part?.hardware?.engine).toBe('tfjs layers model');
    const one = await measureStage(ctx, run, predicted.part!);
    stageFindings.push(...one.findings);
    each.push(one.part!);
  }
  expect(each.map((e) => [e.m.name, e.m.role])).toEqual([
    ['candidate', 'candidate'],
    ['main', 'baseline'],
    ['production', 'baseline'],
  ]);
  // A predictions file holds the evaluation rows only: no training-row predictions for it.
  expect(each.map((e) => e.trained !== undefined)).toEqual([true, true, false]);

  const measured = await measureRest(ctx, run, each);
  expect(measured.part.models.map((m) => m.name)).toEqual(['candidate', 'main', 'production', 'dummy']);
  expect(measured.part.trained.map((t) => t.name)).toEqual(['candidate', 'main']);

  const u = await uncertaintyStage(ctx, run, measured.part);
  expect(u.part.info?.resamples).toBe(100);
  expect(Object.keys(u.part.deltas).sort()).toEqual(['dummy', 'main', 'production']);

  const diagnosis = await diagnoseStage(ctx, run, measured.part, u.part);
  expect(diagnosis.part.gaps?.length).toBeGreaterThan(0);
  expect(diagnosis.part.release?.baseline).toBe('main');

  const findings = [...stageFindings, ...measured.findings, ...u.findings, ...diagnosis.findings];
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
  const [, broken, main] = modelTargets(settings);
  const r = await predictStage(ctx, run, broken);
  expect(r.part).toBeUndefined();
  expect(r.findings).toHaveLength(1);
  expect(r.findings[0].severity).toBe('error');
  expect(r.findings[0].message).toContain('broken');
  const ok = await predictStage(ctx, run, main);
  expect(ok.part?.spec.name).toBe('main');
  ok.part?.model.dispose();
  run.candidate.dispose();
});

test('findings stay in model order when models fail in different stages (predict, then measure)', async () => {
  // The candidate's outputs make mse infinite (a measure-stage error); the first baseline does not exist
  // (a predict-stage error). The candidate's error comes first, as the models are listed.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-stages-'));
  const rows = readFileSync(fx('cars-mpg', 'baseline-predictions.csv'), 'utf8').trim().split('\n');
  writeFileSync(path.join(dir, 'huge.csv'), [rows[0], ...rows.slice(1).map((l) => `${l.split(',')[0]},1e200`)].join('\n') + '\n');
  const settings = resolveSettings(
    {
      candidate: path.join(dir, 'huge.csv'),
      baselines: `missing=${path.join(dir, 'nope.json')}\nmain=${fx('cars-mpg', 'baseline')}`,
      data: fx('cars-mpg', 'eval.csv'),
      'label-column': 'mpg',
      'id-column': 'id',
      bootstrap: '0',
      'allowed-roots': dir,
    },
    undefined,
    root,
  );
  const e = await evaluate(settings, silentLog);
  const errors = e.gate.findings.filter((f) => f.severity === 'error');
  expect(errors[0].message).toMatch(/candidate/);
  expect(errors[0].message).toMatch(/Infinity|infinite/i);
  expect(errors[1].message).toContain('missing');
  rmSync(dir, { recursive: true, force: true });
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

test('a step that throws inside a stage becomes a finding and takes nothing else with it', async () => {
  const findings: Finding[] = [];
  expect(await orFinding(findings, () => 7)).toBe(7);
  expect(await orFinding(findings, () => Promise.reject(new DataError('data file x.csv: line 3 is short')))).toBeUndefined();
  expect(await orFinding(findings, () => JSON.parse('{'))).toBeUndefined();
  expect(findings.map((f) => f.kind)).toEqual(['data_error', 'internal_error']);
  expect(findings[0].message).toBe('data file x.csv: line 3 is short');
});
