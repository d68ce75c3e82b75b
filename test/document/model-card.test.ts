// A real Hugging Face model card (fixtures/docs/MODEL_CARD.md: front matter with comments, other keys, an
// existing model-index with a hand-written result, and prose) brought up to date with a real report. Bytes
// outside model-index and the metrics markers stay identical; values that changed are rewritten in place.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { cardMetrics, metricsMarkers, updateModelCard } from '../../src/document/model-card.js';
import type { JsonReport } from '../../src/report/json.js';
import { DataError } from '../../src/errors.js';

const CARD = readFileSync('fixtures/docs/MODEL_CARD.md', 'utf8');
const REPORT = JSON.parse(readFileSync('test/golden/files/penguins-sex.json', 'utf8')) as JsonReport;
const O = { key: 'default', modelName: 'octo-org/model-repo' };
const START = '<!-- model-gate:metrics:start -->';
const END = '<!-- model-gate:metrics:end -->';

type Result = { task: { type: string; name?: string }; dataset: { name: string; type: string }; metrics: { type: string; value: number; name?: string; verified?: boolean }[] };
type Front = { 'model-index': { name: string; results: Result[] }[]; [key: string]: unknown };
const front = (text: string): Front => parse(/^---\r?\n([\s\S]*?)^---\r?$/m.exec(text)![1]!) as Front;

/** The report with the candidate's metric values changed. */
function withValues(values: Record<string, number>): JsonReport {
  return {
    ...REPORT,
    models: REPORT.models.map((m) => (m.role !== 'candidate' ? m : { ...m, metrics: Object.fromEntries(Object.entries(m.metrics).map(([k, v]) => [k, k in values ? { ...v, value: values[k]! } : v])) })),
  };
}

test('the model-index result for the data set is updated, other keys, comments and the hand-written result stay', () => {
  const { text, summary } = updateModelCard(CARD, REPORT, O);
  expect(summary).toBe('updated model-index, updated the metrics section');
  const meta = front(text);
  // The Hub's spec: task.type, dataset.type and name, metrics' type and value.
  expect(meta['model-index']).toHaveLength(1);
  const [ours, byHand] = meta['model-index'][0]!.results;
  expect(ours!.task).toEqual({ type: 'tabular-classification', name: 'Tabular Classification' });
  expect(ours!.dataset).toEqual({ name: 'penguins-sex/eval.csv', type: 'penguins-sex/eval.csv' });
  const candidate = REPORT.models.find((m) => m.role === 'candidate')!;
  expect(ours!.metrics.find((m) => m.type === 'accuracy')).toEqual({ type: 'accuracy', value: Number(candidate.metrics.accuracy!.value!.toPrecision(6)), name: 'Accuracy' });
  expect(ours!.metrics.map((m) => m.type)).toEqual(cardMetrics(REPORT).map((m) => m.type).sort((a, b) => (a === 'roc_auc' ? -1 : b === 'roc_auc' ? 1 : 0)).sort((a, b) => (a === 'accuracy' ? -1 : b === 'accuracy' ? 1 : 0)));
  expect(ours!.metrics.every((m) => typeof m.value === 'number' && Number.isFinite(m.value))).toBe(true);
  expect(ours!.metrics.map((m) => m.type)).not.toContain('example_count');
  expect(byHand).toEqual({ task: { type: 'tabular-classification' }, dataset: { name: 'Palmer Penguins 2024', type: 'palmer-penguins' }, metrics: [{ type: 'accuracy', value: 0.91, verified: false }] });
  expect(meta.license).toBe('apache-2.0');
  expect(meta.widget).toBe('structured-data');

  // Byte for byte: the front matter before model-index, the keys after it, the body outside the markers.
  const cut = (s: string, from: string, to?: string) => s.slice(s.indexOf(from), to === undefined ? undefined : s.indexOf(to));
  expect(text.slice(0, text.indexOf('model-index:'))).toBe(CARD.slice(0, CARD.indexOf('model-index:')));
  expect(Buffer.from(cut(text, 'widget:', START)).equals(Buffer.from(cut(CARD, 'widget:', START)))).toBe(true);
  expect(cut(text, END)).toBe(cut(CARD, END));
  expect(text).toContain('  # results measured by hand on the 2024 season\n');
  expect(text).toContain('    - type: accuracy\n      value: 0.93617 # v1.1.0\n      name: Accuracy\n');
  // The card's list style: "- " under its key, as the Hub writes it.
  expect(text).toContain('model-index:\n- name: octo-org/model-repo');

  const section = cut(text, START, END);
  expect(section).toContain('| accuracy | 0.9362 | 0.8698 – 0.9771 |');
  expect(section).toContain('| Metric | Value | 95 % interval |');
  expect(section).toContain('gate verdict: pass');
  expect(section).not.toContain('Old numbers');
});

test('idempotent: the same report again changes nothing; new values are rewritten in place, keeping comments and layout', () => {
  const once = updateModelCard(CARD, REPORT, O).text;
  const again = updateModelCard(once, REPORT, O);
  expect(again.text).toBe(once);
  expect(again.summary).toMatch(/^unchanged/);

  const next = updateModelCard(once, withValues({ accuracy: 0.95, f1: 0.9555555 }), O);
  expect(next.summary).toBe('updated the model-index values, updated the metrics section');
  const fm = (s: string) => s.slice(0, s.indexOf('\n---\n'));
  // Only the two values changed in the front matter: the same lines, each other line byte-identical.
  const a = fm(once).split('\n');
  const b = fm(next.text).split('\n');
  expect(b).toHaveLength(a.length);
  expect(a.map((l, i) => [l, b[i]]).filter(([x, y]) => x !== y)).toEqual([
    ['      value: 0.93617 # v1.1.0', '      value: 0.95 # v1.1.0'],
    ['      value: 0.941176', '      value: 0.955556'],
  ]);
  expect(next.text.slice(next.text.indexOf('\n---\n'), next.text.indexOf(START))).toBe(once.slice(once.indexOf('\n---\n'), once.indexOf(START)));
});

test('a card without front matter gets one; the body follows byte for byte and the section goes at the end', () => {
  const prose = '# My model\n\nIt sorts penguins.\n\n```yaml\n---\nnot: front matter\n```\n';
  const { text } = updateModelCard(prose, REPORT, { key: 'default', modelName: 'models' });
  expect(text.startsWith('---\nmodel-index:\n- name: models\n  results:\n  - task:\n      type: tabular-classification\n')).toBe(true);
  const body = text.slice(text.indexOf('\n---\n') + 5);
  expect(body.startsWith(`\n${prose}`)).toBe(true);
  expect(body.slice(prose.length + 1)).toMatch(new RegExp(`^\\n## Evaluation results\\n\\n${START}\\n[\\s\\S]*\\n${END}\\n$`));
  expect(front(text)['model-index'][0]!.results[0]!.metrics.length).toBe(cardMetrics(REPORT).length);
  // A missing card (empty text) is made from nothing.
  const made = updateModelCard('', REPORT, { key: 'default', modelName: 'm' }).text;
  expect(made).toMatch(/^---\nmodel-index:\n[\s\S]*\n---\n## Evaluation results\n\n<!-- model-gate:metrics:start -->\n/);
});

test('front matter without model-index gets it appended; a flow-style empty one is replaced; CRLF cards stay CRLF', () => {
  const card = '---\nlicense: mit # keep\ntags: [a, b]\n---\nBody\n';
  const { text } = updateModelCard(card, REPORT, O);
  expect(text.startsWith('---\nlicense: mit # keep\ntags: [a, b]\nmodel-index:\n- name: octo-org/model-repo\n')).toBe(true);
  const empty = updateModelCard('---\nmodel-index: []\nlicense: mit\n---\nBody\n', REPORT, O).text;
  expect(empty).toMatch(/^---\nmodel-index:\n- name: octo-org\/model-repo\n[\s\S]*\nlicense: mit\n---\nBody\n/);
  const crlf = updateModelCard(CARD.replace(/\n/g, '\r\n'), REPORT, O).text;
  expect(crlf.replace(/\r\n/g, '')).not.toContain('\n');
});

test('another comment key has markers of its own; markers in code blocks do not count; a lone marker is refused', () => {
  const once = updateModelCard(CARD, REPORT, O).text;
  const other = updateModelCard(once, REPORT, { ...O, key: 'gate b' }).text;
  expect(metricsMarkers('gate b')).toEqual({ start: '<!-- model-gate:metrics:start key=gate%20b -->', end: '<!-- model-gate:metrics:end key=gate%20b -->' });
  expect(other.split(START)).toHaveLength(2);
  expect(other).toContain('<!-- model-gate:metrics:start key=gate%20b -->');

  const fenced = `# Card\n\n\`\`\`markdown\n${START}\nan example\n${END}\n\`\`\`\n`;
  const withFence = updateModelCard(fenced, REPORT, O).text;
  expect(withFence).toContain(`\`\`\`markdown\n${START}\nan example\n${END}\n\`\`\`\n`);
  expect(withFence.split(START)).toHaveLength(3);

  expect(() => updateModelCard(`# Card\n${START}\nno end\n`, REPORT, O)).toThrow(DataError);
  expect(() => updateModelCard(`# Card\n${END}\n`, REPORT, O)).toThrow(DataError);
  expect(() => updateModelCard('---\nlicense: mit\nno closing fence\n', REPORT, O)).toThrow(/no closing "---"/);
  expect(() => updateModelCard('---\n- a list\n---\n', REPORT, O)).toThrow(/not a YAML mapping/);
  expect(() => updateModelCard('---\nmodel-index: 3\n---\n', REPORT, O)).toThrow(/not a list of models/);
  expect(() => updateModelCard('---\na: [\n---\n', REPORT, O)).toThrow(/not valid YAML/);
  // A front matter indented as a whole cannot take a key at the line start: refused, not broken.
  expect(() => updateModelCard('---\n  license: mit\n---\n', REPORT, O)).toThrow(/cannot add model-index .* without changing the rest of it/);
});

test('hostile strings: YAML-breaking names are quoted, markdown and HTML in the section are escaped', () => {
  const evil = 'x"\n- injected: true\n# <img src=x onerror=alert(1)> | cell';
  const hostile: JsonReport = {
    ...REPORT,
    data: { path: `/w/${evil}/eval.csv`, rows: 94 },
    models: REPORT.models.map((m) => (m.role !== 'candidate' ? m : { ...m, path: `/w/<script>alert(1)</script>/model.json`, metrics: { [evil]: { value: 0.5 }, 'a: b': { value: 0.25, ci: [0.1, 0.4] } } })),
  };
  const { text } = updateModelCard(CARD, hostile, { key: 'default', modelName: 'name: with "quotes" # and a comment' });
  const meta = front(text);
  // The strings come back exactly as given (shortened only past 200 characters), and nothing else was added.
  expect(Object.keys(meta)).toEqual(['language', 'license', 'library_name', 'tags', 'datasets', 'metrics', 'model-index', 'widget']);
  const results = meta['model-index'][0]!.results;
  const ours = results.find((r) => r.dataset.type !== 'penguins-sex/eval.csv' && r.dataset.type !== 'palmer-penguins')!;
  expect(ours.dataset.name).toBe(`${evil.replace(/\n/g, ' ')}/eval.csv`);
  expect(ours.metrics.map((m) => m.type)).toEqual([evil.replace(/\n/g, ' '), 'a: b']);
  const section = text.slice(text.indexOf(START), text.indexOf(END));
  expect(section).not.toMatch(/<img|<script/);
  expect(section).toContain('&lt;img src=x onerror=alert(1)&gt; \\| cell');
  // Every table row has its three cells: the "|" in the name did not add one.
  for (const row of section.split('\n').filter((l) => l.startsWith('| '))) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);

  // A new card's model-index entry with a hostile name is quoted too.
  const made = updateModelCard('', REPORT, { key: 'default', modelName: 'name: with "quotes" # and a comment' }).text;
  expect(front(made)['model-index'][0]!.name).toBe('name: with "quotes" # and a comment');
});

test('no candidate metrics: refused, nothing to record', () => {
  expect(() => updateModelCard(CARD, { ...REPORT, models: REPORT.models.filter((m) => m.role !== 'candidate') }, O)).toThrow(DataError);
});

test('a comment after a flow-style model-index on its line is kept once, in either line ending; the card is then up to date', () => {
  const cards = [
    '---\nmodel-index: [{name: x, results: []}] # flow\nlicense: mit\n---\n\n# Card\n',
    '---\nlicense: mit\nmodel-index: [{name: x, results: []}]   # flow\n---\n\n# Card\n',
    '---\r\nmodel-index: [{name: x, results: []}] # flow\r\nlicense: mit\r\n---\r\n\r\n# Card\r\n',
    '---\nmodel-index: [\n  {name: x, results: []}\n] # flow\nlicense: mit\n---\n\n# Card\n',
    '---\nmodel-index: [] # flow\n# after\nlicense: mit\n---\n\n# Card\n',
  ];
  for (const card of cards) {
    const { text } = updateModelCard(card, REPORT, O);
    const yaml = /^---\r?\n([\s\S]*?)^---\r?$/m.exec(text)![1]!;
    expect([card, yaml.match(/# flow/g)]).toEqual([card, ['# flow']]);
    expect(front(text)['model-index'][0]!.results[0]!.metrics.length).toBeGreaterThan(0);
    expect(front(text).license).toBe('mit');
    expect(text.slice(text.indexOf('\n---', 3)).startsWith(card.slice(card.indexOf('\n---', 3)))).toBe(true);
    expect(updateModelCard(text, REPORT, O).text).toBe(text);
  }
  // The flow list stays on the key's line with its comment after it.
  expect(updateModelCard(cards[0]!, REPORT, O).text).toMatch(/^---\nmodel-index: \[ \{ name: x, results: \[ .* \] \} \] # flow\nlicense: mit\n---\n/);
});
