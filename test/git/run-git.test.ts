// git runs with an allow-listed environment and a time limit. A stand-in `git` on PATH records what it got.

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitEnvironment, gitSays, runGit } from '../../src/git/run-git.js';
import { cleanUp, tempDir } from './repos.js';

afterAll(cleanUp);

/** A folder holding a `git` script with this body, for PATH. */
function fakeGit(body: string): string {
  const bin = path.join(tempDir(), 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\n${body}\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  return bin;
}

const secrets = {
  'INPUT_GITHUB-TOKEN': 'ghs_secret',
  GITHUB_TOKEN: 'ghs_secret',
  ACTIONS_RUNTIME_TOKEN: 'runtime',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
  GITHUB_OUTPUT: '/tmp/out',
  GIT_DIR: '/elsewhere/.git',
  GIT_WORK_TREE: '/elsewhere',
  GIT_LFS_SKIP_SMUDGE: '1',
  GIT_CONFIG_PARAMETERS: "'core.hookspath'='/tmp/hooks'",
};

describe('runGit', () => {
  it('passes only the allow-listed environment, with prompts off', () => {
    const env = gitEnvironment({ PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', LC_ALL: 'C', GIT_CONFIG_GLOBAL: '/dev/null', HTTPS_PROXY: 'http://proxy:3128', ...secrets });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HTTPS_PROXY: 'http://proxy:3128',
      GIT_TERMINAL_PROMPT: '0',
      GIT_NO_REPLACE_OBJECTS: '1',
      GCM_INTERACTIVE: 'never',
    });
  });

  it('runs git with that environment, the safe settings first and the arguments as given', async () => {
    const out = path.join(tempDir(), 'seen');
    const bin = fakeGit(`env > '${out}.env'\nprintf '%s\\n' "$@" > '${out}.args'\necho done`);
    const r = await runGit(['rev-parse', '--end-of-options', 'a b;$(x)'], { cwd: tempDir(), env: { PATH: `${bin}:/usr/bin:/bin`, ...secrets } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.toString()).toBe('done\n');
    const seen = readFileSync(`${out}.env`, 'utf8');
    for (const [name, value] of Object.entries(secrets)) expect(seen).not.toContain(`${name}=${value}`);
    const args = readFileSync(`${out}.args`, 'utf8').trim().split('\n');
    expect(args.slice(-3)).toEqual(['rev-parse', '--end-of-options', 'a b;$(x)']);
    expect(args).toEqual(expect.arrayContaining(['core.hooksPath=/dev/null', '--literal-pathspecs', '--no-replace-objects']));
  });

  it('stops git at its time limit', async () => {
    const bin = fakeGit('sleep 30');
    const started = Date.now();
    const r = await runGit(['fetch'], { cwd: tempDir(), env: { PATH: `${bin}:/usr/bin:/bin` }, timeoutSeconds: 0.5 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r).toMatchObject({ code: null, failure: 'timeout' });
    expect(gitSays(r)).toBe('git did not finish in time and was stopped');
  });

  it('stops git when it writes more than asked for, and says when git is missing', async () => {
    const big = await runGit(['cat-file'], { cwd: tempDir(), env: { PATH: `${fakeGit('head -c 100000 /dev/zero')}:/usr/bin:/bin` }, maxStdoutBytes: 10 });
    expect(big).toMatchObject({ code: null, failure: 'too-large' });
    const none = await runGit(['status'], { cwd: tempDir(), env: { PATH: path.join(tempDir(), 'empty') } });
    expect(none.failure).toBe('not-found');
    expect(gitSays(none)).toBe('git is not installed or not on PATH');
  });

  it('words git\'s failure on one line, shortened', async () => {
    const bin = fakeGit(`echo 'hint: ignore me' >&2\necho 'fatal: bad\\nthing' >&2\necho "::error::$(yes x | head -n 400 | tr -d '\\n')" >&2\nexit 128`);
    const r = await runGit(['fetch'], { cwd: tempDir(), env: { PATH: `${bin}:/usr/bin:/bin` } });
    const said = gitSays(r);
    expect(r.code).toBe(128);
    expect(said).not.toContain('\n');
    expect(said).not.toContain('hint');
    expect(said).toMatch(/^git says: fatal: bad.*\(\+\d+ characters\)$/);
  });
});
