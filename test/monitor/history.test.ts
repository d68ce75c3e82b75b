// The history block in the monitoring issue's body: written so nothing can end the comment early, read
// defensively (anyone with write access may have edited it), trimmed to the last N runs.

import { appendHistory, historyBlock, HISTORY_START, MAX_HISTORY_CHARS, parseHistory, validEntry, type HistoryEntry } from '../../src/monitor/history.js';

const entry = (day: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  t: `2026-11-${String(day).padStart(2, '0')}T03:00:00.000Z`,
  verdict: 'healthy',
  metrics: { r2: 0.79, mae: 2.7 },
  driftShare: 0.25,
  ...over,
});

const body = (json: string): string => `<!-- model-gate:monitor key=default -->\ntext\n${HISTORY_START}\n${json}\n-->\n`;

describe('history block', () => {
  test('round-trips through an issue body', () => {
    const h = [entry(1), entry(2, { verdict: 'degraded', driftShare: 0.75, predictionDrift: 0.2 })];
    expect(parseHistory(`# title\n\n${historyBlock(h)}\n`)).toEqual(h);
  });

  test('keeps the last N runs', () => {
    let h: HistoryEntry[] = [];
    for (let d = 1; d <= 10; d++) h = appendHistory(h, entry(d), 4);
    expect(h.map((e) => e.t.slice(8, 10))).toEqual(['07', '08', '09', '10']);
    expect(appendHistory([entry(1)], entry(2), 1)).toEqual([entry(2)]);
  });

  test('no value can end the comment or open a tag', () => {
    const hostile = entry(3, { metrics: { 'a--b': 1 } });
    const block = historyBlock([hostile, { ...entry(4), t: '--> <img src=x onerror=alert(1)>' } as HistoryEntry]);
    const inner = block.slice(HISTORY_START.length, -'-->'.length);
    expect(inner).not.toContain('--');
    expect(inner).not.toMatch(/[<>]/);
    // The invalid timestamp is dropped on writing; the odd metric name survives, escaped.
    expect(parseHistory(block)).toEqual([hostile]);
  });

  test.each([
    ['no block', 'just a body'],
    ['no end', `${HISTORY_START}\n[{"t":"2026-11-01T03:00:00Z"`],
    ['not JSON', body('{{{')],
    ['not a list', body('{"t":"2026-11-01T03:00:00Z","verdict":"healthy","metrics":{}}')],
    ['a string', body('"hello"')],
    ['null', body('null')],
  ])('%s: no history', (_name, text) => {
    expect(parseHistory(text)).toEqual([]);
  });

  test('an oversized block is not read', () => {
    const many = JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ ...entry(1), metrics: { [`m${i}`]: i } })));
    expect(many.length).toBeGreaterThan(MAX_HISTORY_CHARS);
    expect(parseHistory(body(many))).toEqual([]);
  });

  test('invalid entries are skipped, valid ones kept in time order', () => {
    const json = JSON.stringify([
      entry(5),
      { t: 'yesterday', verdict: 'healthy', metrics: {} },
      { t: '2026-11-02T03:00:00Z', verdict: 'sick', metrics: {} },
      { t: '2026-11-02T03:00:00Z', verdict: 'healthy', metrics: 'r2=1' },
      42,
      null,
      [],
      entry(2),
    ]);
    expect(parseHistory(body(json))).toEqual([entry(2), entry(5)]);
  });

  test('values are validated one by one', () => {
    const e = validEntry({
      t: '2026-11-02T03:00:00Z',
      verdict: 'degraded',
      metrics: { r2: 0.5, 'bad name with spaces': 1, '<script>': 2, mae: 'x', big: 1e300, nan: null, __proto__: 3, ok: -1 },
      driftShare: 7,
      predictionDrift: -0.1,
      extra: 'ignored',
    });
    expect(e).toEqual({ t: '2026-11-02T03:00:00Z', verdict: 'degraded', metrics: { r2: 0.5, ok: -1 } });
  });

  test('at most 20 metrics per run', () => {
    const metrics = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`m${i}`, i]));
    expect(Object.keys(validEntry({ ...entry(1), metrics })!.metrics)).toHaveLength(20);
  });
});
