// The runner's side of @actions/core for publisher tests: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
// RUNNER_TEMP point at a temporary folder and are read back; stdout is captured line by line.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture } from '../support/capture.js';
import { ActionOutput } from '../../src/publish/action-output.js';
import type { PublishContext } from '../../src/publish/index.js';
import { gate } from '../../src/analysis/compare.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import { renderReport } from '../../src/report/render.js';
import { commentMarker } from '../../src/github/marker.js';
import type { Finding } from '../../src/types.js';
import { parseOutputs } from '../support/github-outputs.js';

const NAMES = ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'RUNNER_TEMP'] as const;

export interface ActionEnv {
  dir: string;
  /** Parsed GITHUB_OUTPUT: name → value (the last one written wins, as on the runner). */
  outputs(): Record<string, string>;
  summary(): string;
  /** Lines written to stdout so far (workflow commands included). */
  stdout(): string[];
  restore(): void;
}

/** Sets the runner's files up for one test; call restore() after it. */
export function actionEnv(): ActionEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-publish-'));
  const saved = NAMES.map((n) => [n, process.env[n]] as const);
  process.env.GITHUB_OUTPUT = path.join(dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
  process.env.RUNNER_TEMP = path.join(dir, 'temp');
  writeFileSync(process.env.GITHUB_OUTPUT, '');
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
  const io = capture();
  return {
    dir,
    outputs: () => parseOutputs(readFileSync(path.join(dir, 'output'), 'utf8')),
    summary: () => readFileSync(path.join(dir, 'summary'), 'utf8'),
    stdout: () => io.out.join('').split('\n').filter((l) => l !== ''),
    restore: () => {
      io.restore();
      for (const [n, v] of saved) {
        if (v === undefined) delete process.env[n];
        else process.env[n] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { parseOutputs };

/** An input error finding, as the pipeline makes one from an InputError. */
export function inputError(message: string): Finding {
  return { kind: 'input_error', severity: 'error', message };
}

/**
 * A publish context around an evaluation that stopped before any model ran (as pipeline's failedEvaluation
 * builds it, through the real gate), rendered as main renders it.
 */
export function publishContext(findings: Finding[], over: Partial<PublishContext> = {}): PublishContext {
  const key = over.key ?? 'default';
  const evaluation: Evaluation = over.evaluation ?? { data: { path: 'data/eval.csv', rows: 0 }, models: [], gate: gate('binary', [], {}, findings) };
  const report = over.report ?? renderReport(evaluation, { date: '2026-01-02', marker: commentMarker(key) });
  return { evaluation, report, key, settings: undefined, event: undefined, token: '', out: new ActionOutput(), ...over };
}
