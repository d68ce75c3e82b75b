// Issue 10, defect 10: a data path that is a symlink to a file outside the workspace used to be read, and its
// first line came back in the "no column … Columns:" error. Now the run stops before reading it (exit 2).

import { jest } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';

const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-outside-')));
const ws = path.join(tmp, 'ws');
const outside = path.join(tmp, 'outside');
mkdirSync(outside);
cpSync(path.join(process.cwd(), 'fixtures', 'penguins-sex'), ws, { recursive: true });
// Stands in for /etc/passwd or a runner's credentials file: its first line must never be printed.
writeFileSync(path.join(outside, 'secret.csv'), 'SECRET_FIRST_LINE,token\nabc,def\n');
symlinkSync(path.join(outside, 'secret.csv'), path.join(ws, 'data.csv'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    return { code: await main(argv, ws), out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

test('a symlinked data file outside the workspace is refused with exit 2, and its content is never shown', async () => {
  const r = await run(['evaluate', '--candidate', 'candidate', '--data', 'data.csv', '--label', 'sex', '--json', 'r.json', '--markdown', 'r.md']);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`model-gate: data: "${path.join(ws, 'data.csv')}" (it resolves to "${path.join(outside, 'secret.csv')}") lies outside the workspace (${ws}).`);
  expect(r.out + r.err).not.toContain('SECRET_FIRST_LINE');
  // Nothing was written that could carry it either.
  expect(readdirSync(ws).filter((f) => f.startsWith('r.'))).toEqual([]);
});

test('with --allowed-roots naming its folder the same file is read: the message the first test keeps out', async () => {
  const r = await run(['evaluate', '--candidate', 'candidate', '--data', 'data.csv', '--label', 'sex', '--allowed-roots', outside, '-q']);
  expect(r.code).toBe(2);
  expect(r.err).not.toContain('outside the workspace');
  expect(r.err).toContain('no column "sex". Columns: SECRET_FIRST_LINE, token.');
});

test('the demo runs from a folder outside the repository (its fixtures folder is allowed by the demo itself)', async () => {
  const before = process.cwd();
  process.chdir(outside);
  try {
    const r = await run(['demo']);
    expect(r.err).not.toContain('outside the workspace');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^## (✅|⚠️) model-gate: (pass|warn) · binary · 94 rows/);
  } finally {
    process.chdir(before);
  }
}, 60000);
