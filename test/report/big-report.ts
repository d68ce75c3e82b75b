// A report far over GitHub's limits, as a run with thousands of slices makes one: the real gate and the
// real renderer, with slice values in several scripts so that bytes and characters differ.

import { gate } from '../../src/analysis/compare.js';
import type { Slice, SliceResult } from '../../src/analysis/slices.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import { renderReport, type Rendered } from '../../src/report/render.js';
import { commentMarker } from '../../src/github/marker.js';
import type { ModelMeasurement } from '../../src/types.js';

function model(name: string, role: ModelMeasurement['role'], accuracy: number, logLoss: number): ModelMeasurement {
  return {
    name,
    role,
    path: `/w/${name}/model.onnx`,
    engine: 'command',
    backend: 'cpu',
    files: [],
    metrics: { accuracy: { value: accuracy }, log_loss: { value: logLoss }, example_count: { value: 5000 } },
  };
}

const SCRIPTS = ['région', '東京都', 'Ελλάδα', 'Россия', '🇯🇵 日本'];

/** `slices` slices of one column; the candidate fails a threshold, so the verdict is fail. */
export function bigEvaluation(slices: number): Evaluation {
  const models = [model('candidate', 'candidate', 0.7, 0.55), model('main', 'baseline', 0.9, 0.3), model('dummy', 'dummy', 0.5, 0.69)];
  const sliceRows: Slice[] = Array.from({ length: slices }, (_, i) => ({
    column: 'city',
    value: `${SCRIPTS[i % SCRIPTS.length]} ${i} & <b>`,
    rows: 40 + (i % 7),
    models: {
      candidate: { accuracy: { value: 0.6 + (i % 10) / 50 }, log_loss: { value: 0.5 + (i % 5) / 20 } },
      main: { accuracy: { value: 0.8 }, log_loss: { value: 0.35 } },
    },
    deltas: { main: { accuracy: { delta: -0.1, change: 'regressed' }, log_loss: { delta: 0.2, change: 'regressed' } } },
  }));
  const sliceResult: SliceResult = { slices: sliceRows, skipped: [], worstSliceGap: [], findings: [], resamples: 0, notes: [] };
  return {
    task: 'binary',
    classes: ['0', '1'],
    data: { path: '/w/eval.csv', rows: 5000 },
    models,
    gate: gate('binary', models, { accuracy: { min: 0.8, severity: 'fail' } }),
    slices: sliceResult,
  } as Evaluation;
}

export const BIG_RUN_URL = 'https://github.com/acme/models/actions/runs/4711';

/** The rendered report of bigEvaluation, as main.ts renders it (with a version for the changelog heading). */
export function bigReport(slices: number, key = 'default'): Rendered {
  return renderReport(bigEvaluation(slices), { date: '2026-12-02', marker: commentMarker(key), runUrl: BIG_RUN_URL });
}

/** Markdown that is whole: balanced <details>, closed fences, every table line a whole row. */
export function brokenMarkdown(md: string): string[] {
  const problems: string[] = [];
  let fence: string | undefined;
  let opened = 0;
  let closed = 0;
  for (const line of md.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1]!;
      else if (line.trim() === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    opened += (line.match(/<details\b/g) ?? []).length;
    closed += (line.match(/<\/details>/g) ?? []).length;
    if (line.startsWith('|') && !line.trimEnd().endsWith('|')) problems.push(`half a table row: ${line.slice(0, 80)}`);
    if (/&[#A-Za-z0-9]*$/.test(line) && !/&[#A-Za-z0-9]+;$/.test(line)) problems.push(`half an entity: ${line.slice(-40)}`);
  }
  if (fence !== undefined) problems.push('an open code fence');
  if (opened !== closed) problems.push(`${opened} <details> opened, ${closed} closed`);
  return problems;
}
