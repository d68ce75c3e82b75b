import { analyseCurves } from '../../src/analysis/training-curves.js';
import { curvesChart, mermaidLabel, mermaidNumber } from '../../src/report/curves-chart.js';
import { readTrainingLog, type TrainingLog } from '../../src/training-log/index.js';

// ---------------------------------------------------------------------------------------------
// A checker for the markdown this module emits, written from mermaid's xychart grammar
// (packages/mermaid/src/diagrams/xychart/parser/xychart.jison):
//   number:  [+-]?(?:\d+(?:\.\d+)?|\.\d+)           (no exponent, no NaN)
//   text:    "..." with no '"' inside, or a bare word
//   statements: `title text`, `x-axis [text] (min --> max | [text, ...])`, `y-axis [text] min --> max`,
//               `line [text] [n, n, ...]`, `bar ...`; one per line
// plus what a PR comment needs around it: a ```mermaid fence closed by the same fence, nothing inside
// that could close it early, a `%%` only as a comment, lines of equal length, values inside the y range.

const NUM = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)`;
const STR = String.raw`"[^"\n\r]*"`;
const TEXT = String.raw`(?:${STR}|[A-Za-z0-9_]+)`;
const RULES: [string, RegExp][] = [
  ['title', new RegExp(`^title ${TEXT}$`)],
  ['x-axis', new RegExp(`^x-axis (?:${TEXT} )?(?:(${NUM}) --> (${NUM})|\\[${TEXT}(?:, ?${TEXT})*\\])$`)],
  ['y-axis', new RegExp(`^y-axis (?:${TEXT} )?(${NUM}) --> (${NUM})$`)],
  ['line', new RegExp(`^line (?:${TEXT} )?\\[(${NUM}(?:, ?${NUM})*)\\]$`)]
];

function checkMermaidXyChart(markdown: string): string[] {
  const errors: string[] = [];
  const open = /^(`{3,})mermaid\n/.exec(markdown);
  if (open === null) return ['does not start with a ```mermaid fence'];
  const fence = open[1]!;
  const close = markdown.indexOf(`\n${fence}\n`, open[0].length - 1);
  if (close < 0) return ['the mermaid fence is not closed'];
  const body = markdown.slice(open[0].length, close);
  if (body.includes(fence)) errors.push('the body contains the fence');
  const lines = body.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('%%'));
  if (lines[0] !== 'xychart-beta') errors.push(`first statement is ${JSON.stringify(lines[0])}, not xychart-beta`);
  const seen: Record<string, number> = {};
  let yRange: [number, number] | undefined;
  const series: number[][] = [];
  for (const line of lines.slice(1)) {
    const rule = RULES.find(([keyword]) => line.startsWith(`${keyword} `));
    if (rule === undefined) {
      errors.push(`not a statement: ${JSON.stringify(line)}`);
      continue;
    }
    const m = rule[1].exec(line);
    if (m === null) {
      errors.push(`bad ${rule[0]}: ${JSON.stringify(line)}`);
      continue;
    }
    seen[rule[0]] = (seen[rule[0]] ?? 0) + 1;
    if (rule[0] === 'y-axis') yRange = [Number(m[1]), Number(m[2])];
    if (rule[0] === 'x-axis' && m[1] !== undefined && !(Number(m[1]) < Number(m[2]))) errors.push('x-axis min is not below max');
    if (rule[0] === 'line') series.push(m[1]!.split(',').map(Number));
  }
  for (const k of ['title', 'x-axis', 'y-axis']) if (seen[k] !== 1) errors.push(`${k} appears ${seen[k] ?? 0} times`);
  if (series.length === 0) errors.push('no line');
  if (new Set(series.map((s) => s.length)).size > 1) errors.push('lines differ in length');
  if (yRange !== undefined) {
    if (!(yRange[0] < yRange[1])) errors.push('y-axis min is not below max');
    for (const v of series.flat()) if (v < yRange[0] || v > yRange[1]) errors.push(`value ${v} outside the y-axis range`);
  }
  return errors;
}

const linesOf = (md: string): number[][] =>
  [...md.matchAll(/^ *line \[([^\]]*)\]$/gm)].map((m) => m[1]!.split(', ').map(Number));

describe('the checker itself', () => {
  const good = '```mermaid\nxychart-beta\n    title "T"\n    x-axis "epoch" 0 --> 3\n    y-axis "loss" 0 --> 1\n    line [0.5, 0.4, .3, 0.2]\n```\n';
  test('accepts a well-formed block', () => {
    expect(checkMermaidXyChart(good)).toEqual([]);
  });
  test.each([
    ['an exponent', good.replace('0.5,', '5e-1,')],
    ['NaN', good.replace('0.5,', 'NaN,')],
    ['a quote inside a title', good.replace('"T"', '"a "quoted" t"')],
    ['a line break inside a title', good.replace('"T"', '"a\nb"')],
    ['a missing header', good.replace('xychart-beta\n', '')],
    ['an unclosed fence', good.replace(/```\n$/, '')],
    ['a fence inside', good.replace('"T"', '"```"')],
    ['a value outside the y range', good.replace('0.5,', '1.5,')],
    ['unequal lines', good.replace('```\n', '    line [1, 0.5]\n```\n').replace(/```\n$/, '```\n')],
    ['an injected statement', good.replace('"T"', '"T"\n    pie title x')]
  ])('rejects %s', (_, broken) => {
    expect(checkMermaidXyChart(broken)).not.toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const logOf = (series: Record<string, number[]>, source = 'run.json'): TrainingLog => ({
  source,
  format: 'keras-history',
  series: Object.fromEntries(Object.entries(series).map(([k, vs]) => [k, vs.map((value, step) => ({ step, value }))]))
});

describe('curvesChart', () => {
  test('the real overfit run: 120 epochs drawn as 100 points, minimum kept, caption names best and last', async () => {
    const log = await readTrainingLog('fixtures/training-logs/overfit/logs');
    const analysis = analyseCurves(log);
    const md = curvesChart(log, analysis);
    expect(checkMermaidXyChart(md)).toEqual([]);
    const [train, val] = linesOf(md);
    expect(train).toHaveLength(100);
    expect(val).toHaveLength(100);
    expect(Math.min(...val!)).toBeCloseTo(analysis.bestValue, 5); // the best point survives bucketing
    expect(md).toContain('x-axis "epoch" 0 --> 119');
    expect(md).toContain('title "Training curves: loss and val_loss"');
    expect(md).toContain('_Line 1 is training loss, line 2 is validation val\\_loss; 120 epochs drawn as 100 points, each the lowest value in its span._');
    expect(md).toContain('Best val\\_loss **0.1199** at epoch 35; last 0.1467 at epoch 119, 84 epochs later.');
  });

  test('a short run is drawn point for point', async () => {
    const log = await readTrainingLog('fixtures/training-logs/healthy/history.json');
    const md = curvesChart(log, analyseCurves(log));
    expect(checkMermaidXyChart(md)).toEqual([]);
    const [train, val] = linesOf(md);
    expect(train).toHaveLength(30);
    expect(val!.at(-1)).toBeCloseTo(log.series['val_loss']!.at(-1)!.value, 5);
    expect(md).toContain('the last epoch is the best.');
    expect(md).not.toContain('drawn as');
  });

  test('hostile tag names cannot leave the string, the statement or the fence', () => {
    const evil = 'a"b\n```\n%%{init: {}}%%\n<img src=x>`;#quot;@me [x](y)';
    const log = logOf({ [evil]: [1, 0.5, 0.25], [`val_${evil}`]: [1, 0.6, 0.7] });
    const analysis = analyseCurves(log, { monitor: `val_${evil}`, patience: 1 });
    const md = curvesChart(log, analysis);
    expect(checkMermaidXyChart(md)).toEqual([]);
    const body = md.slice('```mermaid\n'.length, md.indexOf('\n```\n'));
    expect(body.replace(/-->/g, '')).not.toMatch(/[<>;#%@{}`]/);
    expect(body.split('\n')).toHaveLength(6); // header, title, two axes, two lines: no injected statement
    expect(md.split('\n```\n')).toHaveLength(2); // exactly one closing fence
    const caption = md.slice(md.indexOf('\n```\n') + 5);
    expect(caption).not.toContain('<img');
    expect(caption).not.toContain('@me');
    expect(caption).not.toMatch(/(?<!\\)\]\(/); // brackets escaped: no link
    expect(caption.trim().split('\n')).toHaveLength(1);
  });

  test('tiny, huge and negative values are written without exponents', () => {
    const log = logOf({ loss: [3e-7, 2e-7, 1e-7], val_loss: [4e-7, 3.5e-7, 3.9e-7] });
    const md = curvesChart(log, analyseCurves(log, { patience: 1 }));
    expect(checkMermaidXyChart(md)).toEqual([]);
    expect(md).not.toMatch(/\de[-+]?\d/);
    const big = logOf({ loss: [-2e22, -1e22, 5e21] });
    const mdBig = curvesChart(big, analyseCurves(big, { monitor: 'loss' }));
    expect(checkMermaidXyChart(mdBig)).toEqual([]);
    const flat = logOf({ loss: [1000.0001, 1000.0002, 1000.0003] });
    expect(checkMermaidXyChart(curvesChart(flat, analyseCurves(flat, { monitor: 'loss' })))).toEqual([]);
  });

  test('validation every 5 epochs and NaNs: gaps are interpolated, both lines stay the same length', () => {
    const loss = Array.from({ length: 20 }, (_, i) => 1 / (i + 1));
    const log: TrainingLog = {
      source: 'h.json',
      format: 'keras-history',
      series: {
        loss: loss.map((value, step) => ({ step, value: step === 3 ? NaN : value })),
        val_loss: [4, 9, 14, 19].map((step, i) => ({ step, value: [0.5, 0.4, 0.45, 0.5][i]! }))
      }
    };
    const md = curvesChart(log, analyseCurves(log, { patience: 1 }));
    expect(checkMermaidXyChart(md)).toEqual([]);
    const [train, val] = linesOf(md);
    expect(train).toHaveLength(20);
    expect(val).toHaveLength(20);
    expect(val!.slice(0, 5)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(val![6]).toBeCloseTo(0.5 - 0.1 * (2 / 5), 10);
    expect(train![3]).toBeCloseTo((1 / 3 + 1 / 5) / 2, 5);
  });

  test('accuracy curves keep the highest point per bucket', () => {
    const acc = Array.from({ length: 300 }, (_, i) => (i === 150 ? 0.99 : 0.5 + i / 1000));
    const log = logOf({ accuracy: acc, val_accuracy: acc.map((a) => a - 0.1) });
    const md = curvesChart(log, analyseCurves(log, { monitor: 'val_accuracy' }));
    expect(checkMermaidXyChart(md)).toEqual([]);
    const [train] = linesOf(md);
    expect(train).toHaveLength(100);
    expect(Math.max(...train!)).toBe(0.99);
    expect(md).toContain('each the highest value in its span');
  });

  test('nothing to draw gives an empty string', () => {
    const log = logOf({ val_auc: [0.5, 0.6] });
    const analysis = analyseCurves(log, { monitor: 'val_auc' });
    expect(curvesChart(log, analysis, { train: 'nope', validation: 'nope2' })).toBe('');
  });
});

describe('mermaid helpers', () => {
  test.each([
    [0, '0'],
    [0.1234567, '0.123457'],
    [1e-7, '0.0000001'],
    [-2.5e-9, '-0.0000000025'],
    [123456789, '123456789'],
    [1.5e22, '15000000000000000000000'],
    [-0.0000000001, '-0.0000000001']
  ])('mermaidNumber(%p) = %s', (v, s) => {
    expect(mermaidNumber(v)).toBe(s);
    expect(s).toMatch(new RegExp(`^${NUM}$`));
  });
  test('mermaidLabel keeps words and drops syntax', () => {
    expect(mermaidLabel('val_loss')).toBe('"val_loss"');
    expect(mermaidLabel('a"b\nc`d;e%f#g')).toBe('"a b c d e f g"');
    expect(mermaidLabel('')).toBe('"?"');
    expect(mermaidLabel('x'.repeat(100))).toBe(`"${'x'.repeat(60)}"`);
    expect(mermaidLabel('Genauigkeit (Prüfung)')).toBe('"Genauigkeit (Prüfung)"');
  });
});
