// Cutting a report to GitHub's limits: the first screen and the changelog entry stay, the sections in
// the middle are cut whole-line (never half a table row, an open <details>, half an entity), in
// characters for comments and in UTF-8 bytes for the job summary.

import { getOctokit } from '@actions/github';
import { fitCommentBody, MAX_COMMENT_LENGTH, prefixWithin, truncationNote, upsertStickyComment, withMarker } from '../../src/github/comment.js';
import { startGitHubApi } from '../support/github-api-server.js';
import { rng } from '../support/rng.js';
import { commentMarker } from '../../src/github/marker.js';
import { BIG_RUN_URL, bigReport, brokenMarkdown } from '../report/big-report.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('a report with thousands of slices', () => {
  const { markdown, changelog } = bigReport(6000);
  const failedGates = markdown.slice(0, markdown.indexOf('<details>')).split('\n').filter((l) => l.startsWith('- ❌'));
  const changelogBlock = markdown.slice(markdown.lastIndexOf('<details>\n<summary>Changelog entry</summary>'));

  test('is far over both limits to begin with', () => {
    expect(bytes(markdown)).toBeGreaterThan(1024 * 1024);
    expect(failedGates.join('\n')).toMatch(/accuracy 0\.7000 is below min 0\.8/);
    expect(changelog).toMatch(/^## \[Unreleased\] - 2026-12-02\n/);
  });

  test('as a comment: the verdict, the failed gates, the note at the cut, the changelog entry and footer at the end', () => {
    const fitted = fitCommentBody(markdown, 'default', MAX_COMMENT_LENGTH, (cut) => truncationNote(BIG_RUN_URL, cut));
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted.length).toBeGreaterThan(MAX_COMMENT_LENGTH * 0.9);
    expect(fitted.startsWith(`${commentMarker('default')}\n\n## ❌ model-gate: fail`)).toBe(true);
    for (const line of failedGates) expect(fitted).toContain(line);
    expect(fitted.endsWith(changelogBlock)).toBe(true);
    expect(changelogBlock).toContain(changelog.trimEnd());
    expect(brokenMarkdown(fitted)).toEqual([]);
    // The note says what was cut and links the run; the sections after Slices that fit are still there.
    expect(fitted).toMatch(/> Cut: Slices \(\d+ of \d+ lines kept\)\./);
    expect(fitted).toContain(`[workflow run](${BIG_RUN_URL})'s job summary`);
    expect(fitted).toContain('<summary>Models</summary>');
    expect(fitted.indexOf('> [!NOTE]')).toBeLessThan(fitted.indexOf('<summary>Models</summary>'));
  });

  test('posted: GitHub (the OpenAPI-checked loopback API) takes it, and the note links the run', async () => {
    const token = 'ghp_fitTestToken0123456789abcdefXYZ';
    const api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], token, tokenUser: 'mona' });
    try {
      await upsertStickyComment(getOctokit(token, { baseUrl: api.url }), { owner: 'acme', repo: 'models', issueNumber: 7, key: 'default', body: markdown, runUrl: BIG_RUN_URL });
      const stored = api.state.commentsOn(7)[0]!.body;
      expect(stored.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
      expect(stored).toMatch(/> Cut: Slices \(\d+ of \d+ lines kept\)\./);
      expect(stored).toContain(`[workflow run](${BIG_RUN_URL})'s job summary`);
      expect(stored.endsWith(changelogBlock)).toBe(true);
      expect(api.violations).toEqual([]);
    } finally {
      await api.close();
    }
  });

  test('in bytes: multi-byte slice names count as the bytes they are', () => {
    const limit = 300 * 1024;
    const fitted = fitCommentBody(markdown, 'default', limit, (cut) => `> [!NOTE]\n> cut. ${cut}`, 'bytes');
    expect(bytes(fitted)).toBeLessThanOrEqual(limit);
    expect(bytes(fitted)).toBeGreaterThan(limit * 0.9);
    // Counting characters would have let it run over: there are more bytes than characters.
    expect(bytes(fitCommentBody(markdown, 'default', limit, 'note', 'chars'))).toBeGreaterThan(limit);
    expect(fitted).toContain('東京都');
    expect(fitted.endsWith(changelogBlock)).toBe(true);
    expect(brokenMarkdown(fitted)).toEqual([]);
  });
});

describe('cut points', () => {
  test('a cut inside a long line leaves no half entity and no lone escaping backslash', () => {
    for (const unit of ['&amp;', '\\*', '&#64;x']) {
      const huge = `- ❌ value ${unit.repeat(30_000)}`;
      const body = withMarker(`## ❌ model-gate: fail\n\n${huge}\n`, 'k');
      for (const limit of [20_000, 20_001, 20_002, 20_003, 20_004]) {
        const fitted = fitCommentBody(body, 'k', limit, 'note');
        expect(fitted.length).toBeLessThanOrEqual(limit);
        const line = fitted.split('\n').find((l) => l.startsWith('- ❌'))!;
        expect(line.endsWith('…')).toBe(true);
        const kept = line.slice(0, -1);
        expect(kept).not.toMatch(/&[#A-Za-z0-9]*$/);
        expect(kept.match(/\\*$/)![0].length % 2).toBe(0);
      }
    }
  });

  test('a table header is never left without its delimiter row', () => {
    const table = ['| a | b |', '| - | - |', ...Array.from({ length: 50 }, (_, i) => `| ${i} | ${'x'.repeat(20)} |`)].join('\n');
    const block = `<details>\n<summary>Big</summary>\n\nintro line\n\n${table}\n\n</details>`;
    const body = withMarker(`## ✅ model-gate: pass\n\n${block}\n\n<details>\n<summary>Changelog entry</summary>\n\nentry\n\n</details>\n`, 'k');
    for (let limit = 200; limit < 700; limit += 3) {
      const fitted = fitCommentBody(body, 'k', limit, (cut) => `> cut ${cut}`);
      expect(fitted.length).toBeLessThanOrEqual(limit);
      expect(brokenMarkdown(fitted)).toEqual([]);
      if (fitted.includes('| a | b |')) expect(fitted).toContain('| a | b |\n| - | - |');
      if (fitted.length > 220) expect(fitted).toContain('<summary>Changelog entry</summary>\n\nentry\n\n</details>');
    }
  });

  test('prefixWithin never splits a character', () => {
    expect(prefixWithin('aé😀b', 3, 'bytes')).toBe('aé');
    expect(prefixWithin('aé😀b', 6, 'bytes')).toBe('aé');
    expect(prefixWithin('aé😀b', 7, 'bytes')).toBe('aé😀');
    expect(prefixWithin('a😀', 2, 'chars')).toBe('a');
    expect(prefixWithin('abc', 0, 'bytes')).toBe('');
  });
});

describe('seeded random reports', () => {
  // Sections of every kind the renderer makes: tables, fenced logs, nested <details>, entities, escapes, many scripts.
  function randomReport(random: () => number): string {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const word = () => pick(['a', 'é', '東京', '&amp;', '\\*', '&#64;x', '😀', 'x'.repeat(1 + Math.floor(random() * 30))]);
    const line = () => Array.from({ length: 1 + Math.floor(random() * 8) }, word).join(' ');
    const table = () => ['| k | v |', '| :- | -: |', ...Array.from({ length: Math.floor(random() * 200) }, () => `| ${line()} | ${line()} |`)].join('\n');
    const fenced = () => ['```text', ...Array.from({ length: Math.floor(random() * 300) }, line), '```'].join('\n');
    const body = (depth: number): string =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const r = random();
        if (r < 0.4) return table();
        if (r < 0.6) return fenced();
        if (r < 0.75 && depth < 2) return `<details>\n<summary>Inner ${line()}</summary>\n\n${body(depth + 1)}\n\n</details>`;
        return Array.from({ length: 1 + Math.floor(random() * 20) }, () => `- ${line()}`).join('\n');
      }).join('\n\n');
    const sections = Array.from({ length: Math.floor(random() * 8) }, (_, i) => `<details>\n<summary>Section ${i}</summary>\n\n${body(0)}\n\n</details>`);
    const changelog = `<details>\n<summary>Changelog entry</summary>\n\n\`\`\`markdown\n## [1.2.0] - 2026-12-02\n- ${line()}\n\`\`\`\n\n</details>`;
    return [commentMarker('k'), '## ❌ model-gate: fail', `- ❌ ${line()}`, ...sections, changelog, '<sub>model-gate 0.1.0</sub>'].join('\n\n') + '\n';
  }

  test('250 reports, cut in characters and in bytes: within the limit, whole markdown, marker first, changelog last', () => {
    const random = rng(12);
    for (let i = 0; i < 250; i++) {
      const report = randomReport(random);
      const unit = random() < 0.5 ? 'chars' : 'bytes';
      const limit = 1500 + Math.floor(random() * 40_000);
      const fitted = fitCommentBody(report, 'k', limit, (cut) => truncationNote(undefined, cut), unit);
      const size = unit === 'bytes' ? bytes(fitted) : fitted.length;
      const context = `report ${i}, ${unit}, limit ${limit}`;
      expect([context, size <= limit]).toEqual([context, true]);
      expect([context, brokenMarkdown(fitted)]).toEqual([context, []]);
      expect(fitted.startsWith(`${commentMarker('k')}\n\n## ❌ model-gate: fail`)).toBe(true);
      if (fitted !== report) {
        const changelog = report.slice(report.lastIndexOf('<details>\n<summary>Changelog entry</summary>'));
        expect([context, fitted.endsWith(changelog)]).toEqual([context, true]);
        expect(fitted).toContain('> [!NOTE]');
      }
    }
  });
});
