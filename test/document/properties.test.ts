// Seeded random changelogs and model cards built from the pieces real ones have (headings, subsections,
// items, prose, code fences, link references, comments, CRLF): whatever the file, a second run on the same
// report changes nothing, no line of the file is lost, and only the named errors are thrown.

import { readFileSync } from 'node:fs';
import { updateChangelog } from '../../src/document/changelog-file.js';
import { updateModelCard } from '../../src/document/model-card.js';
import { GateError } from '../../src/errors.js';
import type { JsonReport } from '../../src/report/json.js';
import { rng } from '../support/rng.js';

const REPORT = JSON.parse(readFileSync('test/golden/files/penguins-sex.json', 'utf8')) as JsonReport;
const CASES = 300;

const CHANGELOG_PIECES = [
  '# Changelog', '', '', 'Prose about the project.', '## [Unreleased]', '## Unreleased', '## [1.0.0] - 2026-01-01', '## [0.9.0]', '### Added', '### Changed',
  '### Fixed', '### Changed', '- an item', '- another item', '  continued item', '* star item', '```', '~~~', '## [2.0.0] - fenced?', '<!-- a comment -->',
  '[unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD', '[1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0', '[0.9.0]: https://github.com/o/r/releases/tag/v0.9.0',
];

const CARD_FRONT = [
  'license: mit', '# a comment', 'tags:\n- a\n- b', 'datasets:\n  - x  # indented list', 'widget: x', '', 'model-index: []', 'pipeline_tag: "tabular-classification"',
  'model-index:\n- name: m\n  results:\n  - task: {type: tabular-classification}\n    dataset: {name: eval.csv, type: penguins-sex/eval.csv}\n    metrics:\n    - type: accuracy\n      value: 0.5 # old',
  'model-index:\n  - name: other\n    results: []',
];
const CARD_BODY = ['# Card', '', 'Prose.', '<!-- model-gate:metrics:start -->\nold numbers\n<!-- model-gate:metrics:end -->', '```\n<!-- model-gate:metrics:start -->\n```', '## Evaluation results', '| a | b |'];

function pick<T>(r: () => number, pieces: readonly T[], n: number): T[] {
  return Array.from({ length: n }, () => pieces[Math.floor(r() * pieces.length)]!);
}

test.each([1, 2, 3])('random changelogs (seed %i): idempotent, nothing lost, named errors only', (seed) => {
  const r = rng(seed);
  let checked = 0;
  for (let i = 0; i < CASES; i++) {
    const eol = r() < 0.2 ? '\r\n' : '\n';
    const text = pick(r, CHANGELOG_PIECES, Math.floor(r() * 25)).join(eol) + (r() < 0.8 ? eol : '');
    const tag = r() < 0.4 ? { version: '3.1.0', date: '2026-12-02' } : {};
    let once: string;
    try {
      once = updateChangelog(text, REPORT, { key: 'default', ...tag }).text;
    } catch (e) {
      expect(e).toBeInstanceOf(GateError);
      continue;
    }
    checked++;
    expect([text, updateChangelog(once, REPORT, { key: 'default', ...tag }).text]).toEqual([text, once]);
    // Every line of the file is still there, in order (a release renames only the Unreleased heading).
    const after = once.split(/\r?\n/);
    let at = 0;
    for (const line of text.split(/\r?\n/)) {
      if (tag.version !== undefined && /^## +\[?unreleased/i.test(line)) continue;
      if (/^\[unreleased\]:/i.test(line)) continue;
      const found = after.indexOf(line, at);
      expect([text, line, found >= 0]).toEqual([text, line, true]);
      at = found + 1;
    }
  }
  expect(checked).toBeGreaterThan(CASES / 3);
});

test.each([1, 2, 3])('random model cards (seed %i): idempotent, the body outside the markers kept, named errors only', (seed) => {
  const r = rng(seed);
  let checked = 0;
  for (let i = 0; i < CASES; i++) {
    const front = r() < 0.8 ? `---\n${pick(r, CARD_FRONT, Math.floor(r() * 14)).join('\n')}\n---\n` : '';
    const body = pick(r, CARD_BODY, Math.floor(r() * 10)).join('\n') + '\n';
    const text = front + body;
    let once: string;
    try {
      once = updateModelCard(text, REPORT, { key: 'default', modelName: 'm' }).text;
    } catch (e) {
      expect(e).toBeInstanceOf(GateError);
      continue;
    }
    checked++;
    expect([text, updateModelCard(once, REPORT, { key: 'default', modelName: 'm' }).text]).toEqual([text, once]);
    // The body up to the start marker is the card's own.
    const start = body.indexOf('<!-- model-gate:metrics:start -->');
    if (start > 0 && !body.slice(0, start).includes('```')) expect(once).toContain(body.slice(0, start));
  }
  expect(checked).toBeGreaterThan(CASES / 4);
});
