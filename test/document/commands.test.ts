// model-gate changelog and model-card: a saved JSON report into the files, from a terminal. A file that is
// not a report, a missing flag, a path outside the folder: exit 2 with a message that says what to give.

import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { capture } from '../support/capture.js';

/** The penguins-sex golden report, as evaluate --json writes it (the golden file puts a placeholder where the hardware goes). */
const REPORT = JSON.stringify({ ...JSON.parse(readFileSync('test/golden/files/penguins-sex.json', 'utf8')), hardware: undefined });
const CHANGELOG = readFileSync('fixtures/docs/CHANGELOG.md', 'utf8');
const CARD = readFileSync('fixtures/docs/MODEL_CARD.md', 'utf8');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-docs-cli-'));
  writeFileSync(path.join(dir, 'report.json'), REPORT);
  writeFileSync(path.join(dir, 'CHANGELOG.md'), CHANGELOG);
  writeFileSync(path.join(dir, 'README.md'), CARD);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  try {
    const code = await main(argv, dir);
    return { code, out: c.out.join(''), err: c.err.join('') };
  } finally {
    c.restore();
  }
}

test('changelog: the entry under Unreleased; --version releases it; twice is once', async () => {
  const r = await run(['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md']);
  expect(r).toMatchObject({ code: 0, out: '' });
  expect(r.err).toBe('CHANGELOG.md: added the entry under Unreleased\n');
  const once = readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
  expect(once).toContain('### Changed\n<!-- model-gate:changelog key=default candidate=b93cc84950c4');
  expect((await run(['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md'])).err).toMatch(/unchanged/);
  const released = await run(['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md', '--version', 'v1.2.0']);
  expect(released.err).toBe('CHANGELOG.md: moved Unreleased to 1.2.0, updated the compare links\n');
  expect(readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8')).toContain('## [Unreleased]\n\n## [1.2.0] - 2025-12-02\n');
});

test('changelog: a report made on a tag run releases its version without --version; a new file is made', async () => {
  const tagged = JSON.parse(REPORT);
  tagged.changelog = tagged.changelog.replace('## [Unreleased] - 2025-12-02', '## [1.3.0] - 2025-12-09');
  writeFileSync(path.join(dir, 'tagged.json'), JSON.stringify(tagged));
  expect((await run(['changelog', '--report', 'tagged.json', '--changelog-file', 'docs/NEW.md'])).code).toBe(2);
  const r = await run(['changelog', '--report', 'tagged.json', '--changelog-file', 'NEW.md']);
  expect(r.code).toBe(0);
  expect(readFileSync(path.join(dir, 'NEW.md'), 'utf8')).toMatch(/^# Changelog\n[\s\S]*## \[Unreleased\]\n\n## \[1\.3\.0\] - 2025-12-09\n\n### Changed\n/);
});

test('model-card: the front matter and the section; the rest of the card is untouched', async () => {
  const r = await run(['model-card', '--report', 'report.json', '--model-card', 'README.md']);
  expect(r).toMatchObject({ code: 0, err: 'README.md: updated model-index, updated the metrics section\n' });
  const card = readFileSync(path.join(dir, 'README.md'), 'utf8');
  expect(card.slice(card.indexOf('<!-- model-gate:metrics:end -->'))).toBe(CARD.slice(CARD.indexOf('<!-- model-gate:metrics:end -->')));
  expect(card).toContain('      value: 0.93617 # v1.1.0\n');
  expect((await run(['model-card', '--report', 'report.json', '--model-card', 'README.md'])).err).toMatch(/unchanged/);
  expect((await run(['model-card', '--report', 'report.json', '--model-card', 'README.md', '--comment-key', 'gpu'])).err).toBe('README.md: added the metrics section\n');
});

test('bad input exits 2 and says what to give: not JSON, not a report, no candidate, missing flags, outside paths, bad versions', async () => {
  writeFileSync(path.join(dir, 'not.json'), 'name,value\n');
  writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ schemaVersion: 1, kind: 'drift' }));
  const failed = JSON.parse(REPORT);
  failed.models = failed.models.filter((m: { role: string }) => m.role !== 'candidate');
  writeFileSync(path.join(dir, 'failed.json'), JSON.stringify(failed));
  const cases: [string[], RegExp][] = [
    [['changelog', '--report', 'not.json', '--changelog-file', 'CHANGELOG.md'], /"not\.json" is not JSON .*give the JSON report/],
    [['changelog', '--report', 'other.json', '--changelog-file', 'CHANGELOG.md'], /"other\.json" is not a model-gate JSON report: /],
    [['model-card', '--report', 'other.json', '--model-card', 'README.md'], /is not a model-gate JSON report/],
    [['changelog', '--report', 'failed.json', '--changelog-file', 'CHANGELOG.md'], /no candidate model/],
    [['changelog', '--report', 'report.json'], /needs --report FILE and --changelog-file FILE/],
    [['model-card', '--model-card', 'README.md'], /needs --report FILE and --model-card FILE/],
    [['changelog', '--report', 'report.json', '--changelog-file', '../elsewhere.md'], /changelog-file: .* lies outside the workspace/],
    [['changelog', '--report', '/etc/hostname', '--changelog-file', 'CHANGELOG.md'], /report: .* lies outside the workspace/],
    [['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md', '--version', 'next'], /--version "next" is not a version number/],
    [['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md', '--candidate', 'x'], /Unknown option '--candidate'.*model-gate changelog --help/],
    [['changelog', '--report', 'missing.json', '--changelog-file', 'CHANGELOG.md'], /report: cannot read "missing\.json"/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 2]);
    expect(r.err).toMatch(message);
  }
  // Nothing was written by any of them.
  expect(readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8')).toBe(CHANGELOG);
  expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe(CARD);
  expect(existsSync(path.join(dir, '..', 'elsewhere.md'))).toBe(false);
});

test('a file to write that is a symlink is refused (exit 2): dangling or not, out of the folder or in it; nothing is created or changed', async () => {
  // dir/ws is the current folder, dir/outside a folder beside it.
  const ws = path.join(dir, 'ws');
  const outside = path.join(dir, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  writeFileSync(path.join(ws, 'report.json'), REPORT);
  writeFileSync(path.join(outside, 'existing.md'), 'outside\n');
  writeFileSync(path.join(ws, 'REAL.md'), CHANGELOG);
  symlinkSync('../outside/pwned.md', path.join(ws, 'CHANGELOG.md'));
  symlinkSync('../outside/card.md', path.join(ws, 'README.md'));
  symlinkSync('../outside/existing.md', path.join(ws, 'EXISTING.md'));
  symlinkSync('REAL.md', path.join(ws, 'INSIDE.md'));
  symlinkSync('NEW.md', path.join(ws, 'DANGLING-INSIDE.md'));
  const runIn = async (argv: string[]) => {
    const c = capture();
    try {
      return { code: await main(argv, ws), err: c.err.join('') };
    } finally {
      c.restore();
    }
  };
  const cases: [string[], RegExp][] = [
    [['changelog', '--report', 'report.json', '--changelog-file', 'CHANGELOG.md'], /^model-gate: changelog-file: ".*CHANGELOG\.md" \(it resolves to ".*outside\/pwned\.md"\) lies outside the workspace/],
    [['model-card', '--report', 'report.json', '--model-card', 'README.md'], /^model-gate: model-card: ".*README\.md" \(it resolves to ".*outside\/card\.md"\) lies outside the workspace/],
    [['changelog', '--report', 'report.json', '--changelog-file', 'EXISTING.md'], /^model-gate: changelog-file: .* lies outside the workspace/],
    [['model-card', '--report', 'report.json', '--model-card', 'EXISTING.md'], /^model-gate: model-card: .* lies outside the workspace/],
    [['changelog', '--report', 'report.json', '--changelog-file', 'INSIDE.md'], /^model-gate: changelog-file: ".*INSIDE\.md" is a symbolic link; model-gate writes only regular files/],
    [['model-card', '--report', 'report.json', '--model-card', 'DANGLING-INSIDE.md'], /^model-gate: model-card: ".*DANGLING-INSIDE\.md" is a symbolic link/],
  ];
  for (const [argv, message] of cases) {
    const r = await runIn(argv);
    expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 2]);
    expect(r.err).toMatch(message);
  }
  expect(readdirSync(outside)).toEqual(['existing.md']);
  expect(readFileSync(path.join(outside, 'existing.md'), 'utf8')).toBe('outside\n');
  expect(readFileSync(path.join(ws, 'REAL.md'), 'utf8')).toBe(CHANGELOG);
  expect(existsSync(path.join(ws, 'NEW.md'))).toBe(false);
  expect(['CHANGELOG.md', 'README.md', 'EXISTING.md', 'INSIDE.md', 'DANGLING-INSIDE.md'].every((f) => lstatSync(path.join(ws, f)).isSymbolicLink())).toBe(true);
  expect(readdirSync(ws).sort()).toEqual(['CHANGELOG.md', 'DANGLING-INSIDE.md', 'EXISTING.md', 'INSIDE.md', 'README.md', 'REAL.md', 'report.json']);
});

test('--help prints each command\'s flags, from the input table where the action has the input', async () => {
  const c = await run(['changelog', '--help']);
  expect(c.code).toBe(0);
  expect(c.out).toMatch(/^Usage: model-gate changelog --report FILE --changelog-file CHANGELOG\.md/);
  expect(c.out).toContain('A Keep a Changelog file in the workspace');
  expect(c.out).toContain('--comment-key');
  const m = await run(['model-card', '-h']);
  expect(m.out).toContain('A Hugging Face model card in the workspace');
  expect((await run(['help'])).out).toContain('model-gate model-card --report REPORT.json --model-card README.md');
});
