// Fuzz: the report renderer (renderReport: the comment/summary markdown, the changelog entry, the JSON report).
// Real evaluations of the fixtures (binary with slices, drift, training curves and thresholds; multiclass;
// multilabel; regression) get their untrusted strings — model names and paths, class labels, column names,
// slice values, finding messages, training-log tags, graph input names, a command's log, the title — replaced
// by hostile ones, consistently (a renamed baseline is renamed wherever it appears). Every case must render
// without throwing, and the markdown must keep its shape whatever the strings:
// - no line starts a workflow command (the CLI prints the markdown to the log);
// - every table row has as many cells as its header;
// - no `<` from the input reaches the markdown outside a code block: the only tags are the renderer's own;
// - every code fence closes, and the sections after it (the changelog heading, the footer) stay outside;
// - no untrusted value shows more than its shortened length (MAX_VALUE_CHARS, src/untrusted.ts), in the
//   markdown or in the JSON report.

import path from 'node:path';
import { evaluate, type Evaluation } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { MAX_VALUE_CHARS } from '../../src/untrusted.js';
import { FUZZ_SEED, type Random, caseCount, failureReport, letters, logProblem, runSuite, textToken, COMMAND_TOKENS } from './fuzz.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

const MARKER = '<!-- model-gate:comment key=fuzz -->';

const run = (inputs: RawInputs) => evaluate(resolveSettings(inputs, undefined, root), silentLog);

let evaluations: Evaluation[];
beforeAll(async () => {
  evaluations = await Promise.all([
    run({
      candidate: fx('penguins-sex', 'candidate'),
      baselines: `main=${fx('penguins-sex', 'baseline')}\nproduction=${fx('penguins-sex', 'baseline-predictions.csv')}`,
      data: fx('penguins-sex', 'eval.csv'),
      'label-column': 'sex',
      'id-column': 'id',
      bootstrap: '50',
      'train-data': fx('penguins-sex', 'train.csv'),
      'reference-data': fx('penguins-sex', 'train.csv'),
      'training-log': fx('training-logs', 'overfit', 'logs'),
      slices: 'columns: [species_Adelie, island_Dream]\nmin-size: 25',
      thresholds: 'accuracy: { min: 0.99 }\nlog_loss: { max: 0.5 }',
    }),
    run({ candidate: fx('penguins-species', 'candidate-graph'), baselines: `old=${fx('penguins-species', 'baseline-predictions.jsonl')}`, data: fx('penguins-species', 'eval.csv'), 'label-column': 'species', 'id-column': 'id', bootstrap: '0' }),
    run({
      candidate: fx('penguins-traits', 'candidate'),
      baselines: `main=${fx('penguins-traits', 'baseline')}`,
      data: fx('penguins-traits', 'eval.csv'),
      'label-column': 'male,heavy,long_bill',
      'id-column': 'id',
      bootstrap: '0',
    }),
    run({ candidate: fx('cars-mpg', 'candidate'), baselines: `main=${fx('cars-mpg', 'baseline-predictions.csv')}`, data: fx('cars-mpg', 'eval.csv'), 'label-column': 'mpg', 'id-column': 'id', bootstrap: '0', 'train-data': fx('cars-mpg', 'train.csv') }),
  ]);
  // The fixtures must give what the fuzz means to cover; a fixture that failed to evaluate would test little.
  for (const e of evaluations) expect(e.models.length).toBeGreaterThan(1);
  expect(evaluations[0]!.slices && evaluations[0]!.drift && evaluations[0]!.training && evaluations[0]!.gaps).toBeTruthy();
}, 120_000);

// Where untrusted strings sit in an Evaluation ('*' stands for a map key).
const UNTRUSTED = [
  /^\.classes\[\]$/,
  /\.path$/,
  /^\.training\.log\.source$/,
  /^\.training\.analysis\.monitor$/,
  /\.message$/,
  /^\.gaps\[\]\.model$/,
  /^\.slices\.(slices|skipped)\[\]\.(column|value)$/,
  /^\.slices\.worstSliceGap\[\]\.(model|column)$/,
  /^\.slices\.worstSliceGap\[\]\.(best|worst)\.value$/,
  /^\.(drift|labelDrift)\.features\[\]\.(name|newCategories\[\])$/,
  /\.baseline$/,
  /\.labels\[\]$/,
  /^\.models\[\]\.(name|notes\[\]|log)$/,
  /^\.models\[\]\.facts\.(inputs|outputs)\[\]\.name$/,
  /^\.models\[\]\.perLabel\[\]\.label$/,
  /\.findings\[\]\.features\[\]$/,
  /^\.hardware\.text$/,
];
// Maps keyed by an untrusted name: renamed along with the name.
const NAME_KEYED = [/^\.slices\.slices\[\]\.(models|deltas)$/, /^\.training\.log\.series$/];
// The pipeline's own names for two models: the renderer looks them up by these.
const FIXED_NAMES = new Set(['candidate', 'dummy']);

interface ReportCase {
  e: Evaluation;
  title?: string;
  runUrl?: string;
  /** Long values put in, to check that each is shortened wherever it is shown. */
  long: string[];
  what: string;
}

/**
 * A hostile string. `long` collects the long values put in, which must show shortened; pass undefined where the
 * string is not one value but a text of its own (a finding's message, a command's log): those may be long.
 */
function hostile(rng: Random, long: string[] | undefined): string {
  const r = rng.next();
  if (r < 0.15 && long !== undefined) {
    const value = letters(rng, 300 + rng.small(3000));
    long.push(value);
    return value;
  }
  if (r < 0.3) return rng.pick(COMMAND_TOKENS) + (rng.chance(0.5) ? '\n' + textToken(rng) : '');
  if (r < 0.45) return rng.pick(['`', '```', '````````', '</details>', '<summary>x</summary>', '<!-- x -->', '|', '\\|', '\\', '<sub>', '<img src=x onerror=alert(1)>', '\n\n| a | b |\n|---|---|\n', '\n```\n', '\n~~~\n']);
  const t = textToken(rng);
  // Long runs of one character are long values too (the letters check cannot see them; their length can).
  return t.length > 1000 ? t.slice(0, 1000 + rng.small(2000)) : t;
}

/** A deep copy of `e` with untrusted strings replaced (each distinct original by one replacement) and hostile extras added. */
function hostileCopy(rng: Random, base: Evaluation): ReportCase {

  const long: string[] = [];
  const renamed = new Map<string, string>();
  const replacement = (original: string): string => {
    if (FIXED_NAMES.has(original)) return original;
    if (!renamed.has(original)) renamed.set(original, rng.chance(0.5) ? hostile(rng, long) : original);
    return renamed.get(original)!;
  };
  const walk = (value: unknown, at: string): unknown => {
    if (typeof value === 'string') {
      if (!UNTRUSTED.some((p) => p.test(at))) return value;
      // Messages and the hardware line are texts made by model-gate around values, not values: they may be long.
      return at.endsWith('.message') || at === '.hardware.text' ? hostile(rng, undefined) : replacement(value);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, `${at}[]`));
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    const keyed = NAME_KEYED.some((p) => p.test(at));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[keyed ? replacement(k) : k] = walk(v, keyed ? `${at}.*` : `${at}.${k}`);
    return out;
  };
  const copy = walk(base, '') as Evaluation;
  // What a command engine, an engine note and the log of a hostile run add.
  for (const m of copy.models) {
    if (m.role !== 'dummy' && rng.chance(0.3)) {
      m.log = Array.from({ length: 1 + rng.small(20) }, () => hostile(rng, undefined)).join(rng.pick(['\n', '\r\n', '\r']));
    }
    if (rng.chance(0.2)) m.notes = [hostile(rng, undefined)];
  }
  if (rng.chance(0.3)) copy.gate.findings.push({ kind: rng.pick(['threshold', 'data_drift', 'engine']), severity: rng.pick(['error', 'warning', 'info'] as const), message: hostile(rng, undefined), features: [hostile(rng, long)] });
  if (copy.drift && rng.chance(0.3)) copy.drift.features[0]!.newCategories = Array.from({ length: 1 + rng.small(8) }, () => hostile(rng, long));
  const title = rng.chance(0.3) ? hostile(rng, long) : undefined;
  const runUrl = rng.chance(0.2) ? rng.pick(['javascript:alert(1)', 'https://x.example/run)\n::error::x', `https://github.com/o/r/actions/runs/${rng.int(1e9)}`]) : undefined;
  const what = [...renamed].filter(([a, b]) => a !== b).map(([a, b]) => `${JSON.stringify(a.slice(0, 30))} → ${JSON.stringify(b.slice(0, 50))}`).join(', ');
  return { e: copy, title, runUrl, long, what: `${copy.task} evaluation; ${what.slice(0, 600)}${title !== undefined ? `; title ${JSON.stringify(title.slice(0, 40))}` : ''}` };
}

/** Count of `|` that split a table row (a backslash escapes the next character, as in GitHub's tables). */
function cellSeparators(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** The lines of the markdown outside code fences (CommonMark: a closing fence is at least as long as the opening one). */
function outsideFences(markdown: string): { lines: string[]; unclosed: boolean } {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,}|~{3,})([^`]*)$/.exec(line);
      if (open) fence = open[1];
      else lines.push(line);
    } else if (new RegExp(`^${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) {
      fence = undefined;
    }
  }
  return { lines, unclosed: fence !== undefined };
}

const OWN_TAGS = /^<(\/?(details|summary|sub)>|!-- model-gate:comment key=fuzz -->)/;

/** The longest piece of a long value that a rendering may show: its shortened length, and some slack. */
const SHOWN = MAX_VALUE_CHARS + 20;

/** The section of the markdown that `index` falls in: the nearest heading or <summary> above it, outside code blocks. */
function sectionAt(markdown: string, index: number): string {
  const before = outsideFences(markdown.slice(0, index)).lines.reverse();
  const heading = before.find((l) => /^#{2,3} |^<summary>|^\*\*[^*]+\*\*$/.test(l));
  return heading === undefined ? 'the top' : JSON.stringify(heading.slice(0, 60));
}

function longValueShown(text: string, long: string[], markdown = false): string | undefined {
  for (const value of long) {
    for (let at = 0; at + SHOWN <= value.length; at += 40) {
      const found = text.indexOf(value.slice(at, at + SHOWN));
      if (found >= 0) {
        const where = `${markdown ? ` in section ${sectionAt(text, found)}` : ''} after ${JSON.stringify(text.slice(Math.max(0, found - 60), found))}`;
        return `${SHOWN} characters of a ${value.length}-character value (${value.slice(0, 12)}…) are shown whole${where}`;
      }
    }
  }
  return undefined;
}

function markdownProblem(markdown: string, c: ReportCase): string | undefined {
  const command = logProblem(markdown);
  if (command !== undefined) {
    const at = markdown.split(/\r\n|\r|\n/).findIndex((l) => /^\s*(::|##\[)/.test(l));
    const index = markdown.split(/\r\n|\r|\n/).slice(0, at).join('\n').length;
    return `${command} in section ${sectionAt(markdown, index)}`;
  }
  const { lines, unclosed } = outsideFences(markdown);
  if (unclosed) return 'a code fence never closes';
  // Tables: consecutive lines starting with '|'; each row splits into as many cells as the header.
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || (i > 0 && lines[i - 1]!.startsWith('|'))) continue;
    const cells = cellSeparators(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) {
      if (cellSeparators(lines[j]!) !== cells) return `table row ${JSON.stringify(lines[j]!.slice(0, 120))} has ${cellSeparators(lines[j]!) - 1} cells, its header ${cells - 1}`;
    }
  }
  for (const line of lines) {
    for (let at = line.indexOf('<'); at >= 0; at = line.indexOf('<', at + 1)) {
      if (!OWN_TAGS.test(line.slice(at))) return `a raw '<' outside a code block: ${JSON.stringify(line.slice(Math.max(0, at - 20), at + 40))}`;
    }
  }
  if (lines.filter((l) => l === '<summary>Changelog entry</summary>').length !== 1) return 'the changelog summary is not outside code blocks exactly once';
  const last = lines.filter((l) => l.trim() !== '').pop() ?? '';
  if (!last.startsWith('<sub>model-gate ')) return `the footer is not the last line outside code blocks: ${JSON.stringify(last.slice(0, 80))}`;
  const opens = lines.filter((l) => l === '<details>').length;
  const closes = lines.filter((l) => l === '</details>').length;
  if (opens !== closes) return `${opens} <details> against ${closes} </details> outside code blocks`;
  return longValueShown(markdown, c.long, true);
}

describe('fuzz: the report', () => {
  test('renderReport on evaluations with hostile names, labels, paths, messages and logs', async () => {
    const tally = await runSuite<ReportCase>({
      name: 'report',
      seed: FUZZ_SEED ^ 0x4e9d,
      cases: caseCount(600),
      make: (rng) => hostileCopy(rng, rng.pick(evaluations)),
      run: async (c) => renderReport(c.e, { date: '2026-12-02', marker: MARKER, runUrl: c.runUrl, title: c.title }),
      // The renderer raises nothing on purpose: any error is a failure.
      named: () => false,
      validate(value, c) {
        const r = value as ReturnType<typeof renderReport>;
        const md = markdownProblem(r.markdown, c);
        if (md !== undefined) return `markdown: ${md}`;
        const json = longValueShown(JSON.stringify(r.json), c.long);
        if (json !== undefined) return `JSON report: ${json}`;
        return undefined;
      },
      describe: (c) => c.what,
    });
    expect(failureReport('report', tally)).toBe('');
    expect(tally.values).toBe(caseCount(600));
  });
});
