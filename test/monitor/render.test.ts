// The monitoring issue as people read it: the trend table, the mermaid chart GitHub draws, and every
// string from users' files escaped.

import { parseHistory, type HistoryEntry } from '../../src/monitor/history.js';
import { closingComment, issueBody, issueTitle, mermaidText, trendChart, trendTable } from '../../src/monitor/render.js';
import { historyEntry, judge, type Measurements } from '../../src/monitor/result.js';

const runs: HistoryEntry[] = [
  { t: '2026-11-01T03:00:00.000Z', verdict: 'healthy', metrics: { r2: 0.79, mae: 2.71 }, driftShare: 0.25 },
  { t: '2026-11-02T03:00:00.000Z', verdict: 'degraded', metrics: { r2: 0.6, mae: 3.4 }, driftShare: 0.75, predictionDrift: 0.31 },
];

const drift = (drifted: string[], share: number) => ({
  share,
  datasetDrift: share >= 0.5,
  limit: 0.5,
  drifted,
  compared: 4,
  reference: { path: 'data/ref.csv', rows: 366 },
  current: { path: 'data/cur.csv', rows: 365 },
});

const measured = (over: Partial<Measurements> = {}): Measurements => ({
  at: '2026-11-02T03:00:00.000Z',
  model: 'models/prod.onnx',
  notes: [],
  findings: [],
  ...over,
});

describe('trend table', () => {
  test('newest run first, one column per metric, the drift shares', () => {
    expect(trendTable(runs)).toBe(
      [
        '| Run (UTC) | Verdict | r2 | mae | Drift share | Prediction drift (KS) |',
        '| :-- | :-- | --: | --: | --: | --: |',
        '| 2026-11-02 03:00 | 🔴 degraded | 0.6000 | 3.400 | 0.750 | 0.310 |',
        '| 2026-11-01 03:00 | 🟢 healthy | 0.7900 | 2.710 | 0.250 |  |',
      ].join('\n'),
    );
  });

  test('metric names are escaped', () => {
    const odd = [{ ...runs[0], metrics: { 'ndcg@5': 0.5, 'a_b|c': 1 } }];
    const table = trendTable(odd);
    expect(table).toContain('ndcg&#64;5');
    expect(table).toContain('a\\_b\\|c');
  });

  test('empty history: no table', () => {
    expect(trendTable([])).toBe('');
  });
});

describe('mermaid chart', () => {
  test('bounded metrics and drift on a 0–1 chart, unbounded metrics on their own; oldest first; legends', () => {
    const chart = trendChart(runs);
    const [shares, unbounded] = chart.split('\n\n```mermaid');
    expect(shares).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Metrics and drift from 0 to 1"',
        '  x-axis ["11-01 03:00", "11-02 03:00"]',
        '  y-axis "value" 0 --> 1',
        '  line [0.79, 0.6]',
        '  line [0.25, 0.75]',
        // The first run had no prediction drift: the line starts at the first value it has.
        '  line [0.31, 0.31]',
        '```',
        '',
        'Lines, in order: 1. r2, 2. drift share, 3. prediction drift (KS).',
      ].join('\n'),
    );
    expect(unbounded).toContain('  title "Other metrics"');
    expect(unbounded).toContain('  y-axis "value" 2.71 --> 3.4');
    expect(unbounded).toContain('  line [2.71, 3.4]');
    expect(unbounded).toContain('Lines, in order: 1. mae.');
  });

  test('names cannot break out of the chart or the legend', () => {
    expect(mermaidText('a"]\nline [1]')).toBe('a___line _1_');
    const chart = trendChart([{ ...runs[0], metrics: { 'x"]`': 1 } } as HistoryEntry]);
    const legend = chart.split('\n').at(-1)!;
    expect(legend).toContain('x"\\]\\`');
    // Inside the fence only numbers, dates and fixed words.
    const fence = chart.slice(0, chart.lastIndexOf('```'));
    expect(fence).not.toContain('x"');
  });

  test('nothing to draw: no chart', () => {
    expect(trendChart([])).toBe('');
  });
});

describe('issue body', () => {
  const marker = '<!-- model-gate:monitor key=default -->';

  test('marker first, the reasons, the trend, the history block that reads back', () => {
    const result = judge(measured({ drift: drift(['temp_min', 'weather'], 0.5) }));
    expect(result.verdict).toBe('degraded');
    const body = issueBody(result, runs, { marker, key: 'default', runUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(body.startsWith(`${marker}\n## model-gate monitoring\n`)).toBe(true);
    expect(body).toContain('🔴 **Degraded**: production model models/prod.onnx');
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/1)');
    expect(body).toContain('- dataset drift: 2 of 4 features drifted (share 0.500, limit 0.5): temp\\_min, weather');
    expect(body).toContain('### Trend (last 2 runs)');
    expect(body).toContain('```mermaid');
    expect(parseHistory(body)).toEqual(runs);
  });

  test('hostile strings from data files are escaped', () => {
    const result = judge(measured({ model: '<img src=x>', drift: drift(['@team', '[x](https://evil)', '<!-- x -->'], 0.75) }));
    const body = issueBody(result, [historyEntry(result)], { marker, key: 'a "key"', runUrl: 'javascript:alert(1)' });
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@team/);
    expect(body).not.toContain('](https://evil)');
    expect(body).not.toContain('javascript:');
    expect(body.split('<!--').length).toBe(3); // the marker and the history block only
  });

  test('failed gates are reasons; a healthy run has none', () => {
    const labelled = { path: 'data/labelled.csv', rows: 100, gate: 'fail' as const, metrics: { r2: 0.4 }, failedGates: [{ metric: 'r2', value: 0.4, min: 0.7 }], gateFindings: [] };
    const bad = judge(measured({ labelled }));
    expect(bad.reasons).toEqual(['gate failed: r2 is 0.4 (min 0.7)']);
    const good = judge(measured({ labelled: { ...labelled, gate: 'pass', failedGates: [], metrics: { r2: 0.8 } }, drift: drift([], 0) }));
    expect(good).toMatchObject({ verdict: 'healthy', reasons: [], metrics: { r2: 0.8 } });
    expect(historyEntry(good)).toEqual({ t: good.at, verdict: 'healthy', metrics: { r2: 0.8 }, driftShare: 0 });
    expect(closingComment(good)).toContain('healthy again');
  });

  test('the title names a key other than the default', () => {
    expect(issueTitle('default')).toBe('model-gate: the production model degraded');
    expect(issueTitle('prod\nEU')).toBe('model-gate: the production model degraded (prod EU)');
  });
});
