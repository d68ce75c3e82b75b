// The CLI with values from a stranger's pull request: names and cells that try to start workflow
// commands, a 50 MB label cell, and output flags that would overwrite each other.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { capture } from '../support/capture.js';
import { main } from '../../src/cli.js';

const root = process.cwd();
// Inside the workspace (the repository), which is where the CLI reads from.
mkdirSync(path.join(root, 'tmp'), { recursive: true });
const tmp = mkdtempSync(path.join(root, 'tmp', 'cli-untrusted-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fx = (...p: string[]) => path.join('fixtures', ...p);


/** Lines that the runner would read as workflow commands. */
const commandLines = (text: string) => text.split(/\r?\n|\r/).filter((l) => /^\s*(::|##\[)/.test(l));

test('baseline names and paths cannot start workflow commands on stderr', async () => {
  const c = capture();
  const code = await main(
    [
      'evaluate',
      '--candidate', fx('penguins-sex', 'candidate'),
      '--baseline', `evil\n::error::injected\r::add-mask::sex=${fx('penguins-sex', 'no-such-model\n::stop-commands::x.csv')}`,
      '--data', fx('penguins-sex', 'eval.csv'),
      '--label', 'sex',
      '--id', 'id',
      '--bootstrap', '0',
      '-q',
    ],
    root,
  ).finally(c.restore);
  const stderr = c.err.join('');
  expect(stderr).toContain('injected'); // the name is shown...
  expect(commandLines(stderr)).toEqual([]); // ...but never at the start of a line
  expect(code).toBe(2); // the baseline does not exist: bad input
});

test('a 50 MB label cell: the log, the reports and the comment stay small, and the findings say what went wrong', async () => {
  const lines = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trimEnd().split('\n');
  const huge = 'M'.repeat(50 * 1024 * 1024);
  // The last row's label is the huge cell.
  lines[lines.length - 1] = lines[lines.length - 1].replace(/,(FEMALE|MALE)$/, `,${huge}`);
  const data = path.join(tmp, 'huge-label.csv');
  writeFileSync(data, lines.join('\n') + '\n');
  const json = path.join(tmp, 'huge.json');
  const md = path.join(tmp, 'huge.md');
  const c = capture();
  const code = await main(
    ['evaluate', '--candidate', fx('penguins-sex', 'baseline-predictions.csv'), '--data', data, '--label', 'sex', '--id', 'id', '--json', json, '--markdown', md],
    root,
  ).finally(c.restore);
  expect(code).not.toBe(0);
  const stderr = c.err.join('');
  expect(stderr.length).toBeLessThan(20_000);
  expect(statSync(json).size).toBeLessThan(200_000);
  const comment = readFileSync(md, 'utf8');
  expect(comment.length).toBeLessThan(65_536);
  // The findings section names the problem (before, it was empty: the comment was cut inside it).
  const findings = /<summary>Findings \(\d+\)<\/summary>\n\n(- .+)/.exec(comment);
  expect(findings?.[1]).toMatch(/MMMM/);
  expect(findings?.[1]).toMatch(/characters\)/); // shortened, and says by how much
  const report = JSON.parse(readFileSync(json, 'utf8')) as { findings: { message: string }[]; classes?: string[] };
  for (const f of report.findings) expect(f.message.length).toBeLessThanOrEqual(2_100);
  for (const k of report.classes ?? []) expect(k.length).toBeLessThanOrEqual(230);
}, 60_000);

test('--json and --markdown naming one file is an error, before anything runs', async () => {
  const c = capture();
  const same = path.join(tmp, 'same.out');
  const code = await main(
    ['evaluate', '--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv'), '--label', 'sex', '--json', same, '--markdown', './' + path.relative(root, same)],
    root,
  ).finally(c.restore);
  expect(code).toBe(2);
  expect(c.err.join('')).toMatch(/--json and --markdown both name .*same\.out.*; give each report its own file/);
});

test('a report that cannot be written: exit 2, and the verdict is still printed', async () => {
  const c = capture();
  const blocked = path.join(tmp, 'a-file');
  writeFileSync(blocked, '');
  const code = await main(
    [...['evaluate', '--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv'), '--label', 'sex', '--id', 'id', '--bootstrap', '0']],
    root,
  ).finally(c.restore);
  expect(code).toBe(0);
  const c2 = capture();
  const code2 = await main(
    ['evaluate', '--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv'), '--label', 'sex', '--id', 'id', '--bootstrap', '0', '--json', path.join(blocked, 'r.json')],
    root,
  ).finally(c2.restore);
  expect(code2).toBe(2);
  const stderr = c2.err.join('');
  expect(stderr).toMatch(/error: cannot write .*a-file\/r\.json/);
  expect(stderr).toMatch(/verdict: (pass|warn)/);
}, 60_000);

test('a demo whose data cannot be read is bad input: exit 2, as everywhere else', async () => {
  const c = capture();
  const code = await main(['demo', '--data', fx('penguins-sex', 'no-such-file.csv'), '--bootstrap', '0'], root).finally(c.restore);
  expect(code).toBe(2);
  expect(c.err.join('')).toMatch(/no-such-file\.csv/);
}, 60_000);
