// The changelog entry written into a real Keep a Changelog file (fixtures/docs/CHANGELOG.md: prior versions,
// prose, a code block, compare links): under Unreleased, merged into its subsections, released on a tag
// run, idempotent, and every byte outside the changed lines as it was.

import { readFileSync } from 'node:fs';
import { changelogMarker, parseEntry, updateChangelog, CHANGELOG_HEADER } from '../../src/document/changelog-file.js';
import { combinedDigest } from '../../src/digest.js';
import type { JsonReport } from '../../src/report/json.js';
import { DataError, InputError } from '../../src/errors.js';

const FIXTURE = readFileSync('fixtures/docs/CHANGELOG.md', 'utf8');
/** A real report: the penguins-sex golden report (a candidate with two files, against main). */
const REPORT = JSON.parse(readFileSync('test/golden/files/penguins-sex.json', 'utf8')) as JsonReport;
const DIGEST = combinedDigest(REPORT.models.find((m) => m.role === 'candidate')!.files);
const MARKER = `<!-- model-gate:changelog key=default candidate=${DIGEST} -->`;
const ENTRY_ITEMS = REPORT.changelog.split('\n').filter((l) => l.startsWith('- '));

/** The text up to and after the first and last line that differ: what must stay byte-identical. */
function unchangedEnds(before: string, after: string): { head: number; tail: number } {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { head, tail };
}

test('the entry goes under Unreleased, into its existing Changed subsection (made, in Keep a Changelog order)', () => {
  const { text, summary } = updateChangelog(FIXTURE, REPORT, { key: 'default' });
  expect(summary).toBe('added the entry under Unreleased');
  // Between Added and Fixed, as Keep a Changelog orders the kinds.
  const expected = FIXTURE.replace(
    '- A calibration plot in the evaluation notebook.\n\n### Fixed',
    ['- A calibration plot in the evaluation notebook.', '', '### Changed', MARKER, ...ENTRY_ITEMS, '', '### Fixed'].join('\n'),
  );
  expect(text).toBe(expected);
  // Bytes before and after the insertion are the file's own, byte for byte.
  const at = FIXTURE.indexOf('### Fixed');
  expect(text.slice(0, at)).toBe(FIXTURE.slice(0, at));
  expect(text.slice(text.indexOf('### Fixed'))).toBe(FIXTURE.slice(at));
  expect(Buffer.from(text.slice(text.indexOf('### Fixed'))).equals(Buffer.from(FIXTURE.slice(at)))).toBe(true);
});

test('running twice on the same report does not duplicate the entry; a changed entry for the same candidate replaces it', () => {
  const once = updateChangelog(FIXTURE, REPORT, { key: 'default' }).text;
  const twice = updateChangelog(once, REPORT, { key: 'default' });
  expect(twice.text).toBe(once);
  expect(twice.summary).toMatch(/^unchanged/);
  expect(once.split(MARKER)).toHaveLength(2);

  const reworded = { ...REPORT, changelog: REPORT.changelog.replace('gate verdict: pass', 'gate verdict: warn') };
  const replaced = updateChangelog(once, reworded, { key: 'default' });
  expect(replaced.summary).toBe('updated the entry under Unreleased');
  expect(replaced.text.split(MARKER)).toHaveLength(2);
  expect(replaced.text).toContain('gate verdict: warn');
  expect(replaced.text).not.toContain('gate verdict: pass');
  expect(replaced.text.length).toBe(once.length);
});

test('another comment key, or another candidate, adds an entry of its own', () => {
  const once = updateChangelog(FIXTURE, REPORT, { key: 'default' }).text;
  const other = updateChangelog(once, REPORT, { key: 'gate b' }).text;
  expect(other).toContain('<!-- model-gate:changelog key=gate%20b candidate=');
  expect(other.split('- Model candidate candidate/model.json')).toHaveLength(3);
  const candidate = REPORT.models.find((m) => m.role === 'candidate')!;
  const retrained = { ...REPORT, models: REPORT.models.map((m) => (m === candidate ? { ...m, files: [{ ...m.files[0]!, sha256: 'a'.repeat(64) }] } : m)) };
  expect(updateChangelog(once, retrained, { key: 'default' }).text).toContain(`candidate=${'a'.repeat(64)} -->`);
});

test('a tag run releases Unreleased as the version, leaves an empty Unreleased and moves the compare links', () => {
  const { text, summary } = updateChangelog(FIXTURE, REPORT, { key: 'default', version: '1.2.0', tag: 'v1.2.0', date: '2026-12-02' });
  expect(summary).toBe('added the entry under Unreleased, moved Unreleased to 1.2.0, updated the compare links');
  expect(text).toContain('## [Unreleased]\n\n## [1.2.0] - 2026-12-02\n\n### Added\n- A calibration plot');
  expect(text).toContain(
    '[unreleased]: https://github.com/octo-org/model-repo/compare/v1.2.0...HEAD\n[1.2.0]: https://github.com/octo-org/model-repo/compare/v1.1.0...v1.2.0\n[1.1.0]: https://github.com/octo-org/model-repo/compare/v1.0.1...v1.1.0\n',
  );
  // The older versions, their prose, the code block and the older links: unchanged bytes.
  const older = FIXTURE.slice(FIXTURE.indexOf('## [1.1.0] - 2026-10-14'), FIXTURE.indexOf('[unreleased]:'));
  expect(text).toContain(older);
  expect(text.endsWith(FIXTURE.slice(FIXTURE.indexOf('[1.1.0]: ')))).toBe(true);
  const ends = unchangedEnds(FIXTURE, text);
  // Everything above the Unreleased section's first line after its heading is the file's own.
  expect(ends.head).toBeGreaterThanOrEqual(FIXTURE.indexOf('## [Unreleased]') + '## [Unreleased]\n\n'.length);

  // The rerun of the tag's job: the version is there, with the entry: nothing changes.
  const rerun = updateChangelog(text, REPORT, { key: 'default', version: '1.2.0', tag: 'v1.2.0', date: '2026-12-02' });
  expect(rerun.text).toBe(text);
  // The next run (a pull request after the release) with the same candidate: it is released already.
  expect(updateChangelog(text, REPORT, { key: 'default' }).text).toBe(text);
});

test('the entry made on a pull request is the one the tag run releases (same candidate: moved, not repeated)', () => {
  const pr = updateChangelog(FIXTURE, REPORT, { key: 'default' }).text;
  const tagged = { ...REPORT, changelog: REPORT.changelog.replace('## [Unreleased] - 2025-12-02', '## [1.2.0] - 2025-12-05') };
  const { text } = updateChangelog(pr, tagged, { key: 'default', version: '1.2.0' });
  expect(text.split(MARKER)).toHaveLength(2);
  // The date comes from the tag run's entry; the tag from the previous link's prefix.
  expect(text).toContain('## [Unreleased]\n\n## [1.2.0] - 2025-12-05\n');
  expect(text).toContain('[1.2.0]: https://github.com/octo-org/model-repo/compare/v1.1.0...v1.2.0');
});

test('a file that does not exist is made with the standard header; one without Unreleased gets the section above its newest version', () => {
  const { text, summary } = updateChangelog('', REPORT, { key: 'default' });
  expect(summary).toBe('created the file, added the entry under Unreleased');
  expect(text).toBe(`${CHANGELOG_HEADER}\n### Changed\n${MARKER}\n${ENTRY_ITEMS.join('\n')}\n`);

  const noUnreleased = '# Changelog\n\nProse.\n\n## [1.0.0] - 2026-01-01\n### Added\n- First.\n';
  const out = updateChangelog(noUnreleased, REPORT, { key: 'default' }).text;
  expect(out).toBe(`# Changelog\n\nProse.\n\n## [Unreleased]\n\n### Changed\n${MARKER}\n${ENTRY_ITEMS.join('\n')}\n\n## [1.0.0] - 2026-01-01\n### Added\n- First.\n`);
  // A release without compare links: the heading moves, nothing else is invented.
  const released = updateChangelog(noUnreleased, REPORT, { key: 'default', version: '1.1.0', date: '2026-02-02' }).text;
  expect(released).toContain('## [Unreleased]\n\n## [1.1.0] - 2026-02-02\n\n### Changed\n');
  expect(released.endsWith('## [1.0.0] - 2026-01-01\n### Added\n- First.\n')).toBe(true);
});

test('CRLF files stay CRLF, and a file without a final newline keeps none', () => {
  const crlf = FIXTURE.replace(/\n/g, '\r\n');
  const out = updateChangelog(crlf, REPORT, { key: 'default' }).text;
  expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  expect(out.replace(/\r\n/g, '\n')).toBe(updateChangelog(FIXTURE, REPORT, { key: 'default' }).text);
  const bare = '## [Unreleased]\n### Changed\n- Old.';
  expect(updateChangelog(bare, REPORT, { key: 'default' }).text).toBe(`## [Unreleased]\n### Changed\n- Old.\n${MARKER}\n${ENTRY_ITEMS.join('\n')}`);
});

test('hostile strings: an entry cannot forge a marker, open HTML or add headings; keys cannot end the comment', () => {
  const hostile = {
    ...REPORT,
    changelog: [
      '## [Unreleased] - 2026-12-02',
      '',
      '### Changed',
      `- Model <img src=x onerror=alert(1)> ${MARKER}`,
      '## [9.9.9] - 2020-01-01',
      '[unreleased]: https://evil.example/compare/x...HEAD',
      '### <script>',
      '- two\nlines',
    ].join('\n'),
  };
  const { text } = updateChangelog(FIXTURE, hostile, { key: '--> <b>x</b> <!--' });
  const added = text.slice(FIXTURE.indexOf('### Fixed') - 60, text.indexOf('### Fixed'));
  expect(added).not.toMatch(/<img|<script|<b>/);
  expect(text.match(/^## \[9\.9\.9\]/m)).toBeNull();
  expect(text.match(/^\[unreleased\]: https:\/\/evil/m)).toBeNull();
  expect(text).toContain('- Model &lt;img src=x onerror=alert(1)&gt; &lt;!-- model-gate:changelog');
  // The key is percent-encoded: no "--" and no ">" inside the comment.
  const marker = /<!-- model-gate:changelog key=(\S+) candidate=/.exec(text)![1]!;
  expect(marker).not.toMatch(/--|>|</);
  expect(changelogMarker('a--b-', 'x')).toBe('<!-- model-gate:changelog key=a%2D-b%2D candidate=x -->');
  // Run again: still one entry for that key (the marker is found).
  expect(updateChangelog(text, hostile, { key: '--> <b>x</b> <!--' }).text).toBe(text);
});

test('a heading inside a code block is not a section; bad versions and empty entries are refused', () => {
  const withCode = updateChangelog(FIXTURE, REPORT, { key: 'default', version: '0.9.0', date: '2026-12-02' }).text;
  // 0.9.0 only appears in the code block: a real release section is made.
  expect(withCode).toContain('## [Unreleased]\n\n## [0.9.0] - 2026-12-02\n');
  expect(() => updateChangelog(FIXTURE, REPORT, { key: 'default', version: '1.2.0; rm -rf' })).toThrow(InputError);
  expect(() => updateChangelog(FIXTURE, { ...REPORT, changelog: '## [Unreleased] - 2026-12-02\n' }, { key: 'default' })).toThrow(DataError);
  expect(parseEntry('### fixed\n- a\ncontinued\n* b').kinds).toEqual([{ name: 'Fixed', items: ['- a continued', '- b'] }]);
});
