// resolveRevision against real repositories: an origin, and clones of it as actions/checkout makes them
// (full, and shallow at depth 1).

import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { NoPreviousRelease } from '../../src/git/previous-release.js';
import { resolveRevision } from '../../src/git/revision.js';
import { parseGitBaseline } from '../../src/git/spec.js';
import { cleanUp, clone, commit, git, isolatedEnv, newRepo, tempDir, failure } from './repos.js';

afterAll(cleanUp);

/** The error a promise rejects with (fails the test when it resolves). */

function eventFile(payload: unknown): string {
  const file = path.join(tempDir(), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

describe('@base', () => {
  // main: A ─ C            feature: A ─ B            merge (refs/pull/1/merge): C + B
  let origin: string;
  let a: string;
  let b: string;
  let c: string;
  let merge: string;
  beforeAll(() => {
    origin = newRepo();
    a = commit(origin, { 'model.onnx': 'A' }, 'A');
    git(origin, 'checkout', '-q', '-b', 'feature');
    b = commit(origin, { 'model.onnx': 'B' }, 'B');
    git(origin, 'checkout', '-q', 'main');
    c = commit(origin, { 'README.md': 'C' }, 'C');
    git(origin, 'checkout', '-q', '-b', 'pull-merge');
    git(origin, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'feature');
    merge = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'checkout', '-q', 'main');
  });

  it('is the merge base of the event payload\'s base sha and HEAD', async () => {
    const work = clone(origin, { branch: 'feature' });
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: c, ref: 'main' } } }) });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toEqual({ sha: a, label: `merge base ${a.slice(0, 7)}` });
  });

  it('falls back to GITHUB_BASE_REF (origin/<branch>)', async () => {
    const work = clone(origin, { branch: 'feature' });
    const env = isolatedEnv({ GITHUB_BASE_REF: 'main' });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toMatchObject({ sha: a });
  });

  it('in a depth-1 checkout of the merge commit, fetches the base and knows it is the merge base', async () => {
    const work = clone(origin, { depth: 1, branch: 'pull-merge' });
    expect(git(work, 'rev-parse', 'HEAD')).toBe(merge);
    expect(() => git(work, 'cat-file', '-e', `${c}^{commit}`)).toThrow();
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: c } } }) });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toMatchObject({ sha: c });
    expect(git(work, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('in a depth-1 checkout of the head, says to set fetch-depth: 0 when no merge base can be found', async () => {
    const work = clone(origin, { depth: 1, branch: 'feature' });
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: c } } }) });
    const e = await failure(resolveRevision({ kind: 'base' }, { cwd: work, env, input: 'baselines: main' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^baselines: main: @base: git finds no merge base .* shallow checkout.*`fetch-depth: 0`/);
    expect(b).toBe(git(work, 'rev-parse', 'HEAD'));
  });

  // GitHub rebuilt refs/pull/N/merge on main's newer tip C, but the payload still names the old base A.
  it('with a stale payload base, is the first parent of the merge commit whose second parent is the head (depth 1)', async () => {
    const work = clone(origin, { depth: 1, branch: 'pull-merge' });
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: a }, head: { sha: b } } }) });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toEqual({ sha: c, label: `merge base ${c.slice(0, 7)}` });
    expect(git(work, 'cat-file', '-t', c)).toBe('commit');
  });

  it('with a stale payload base, is the first parent of the merge commit in a full clone too', async () => {
    const work = clone(origin, { branch: 'pull-merge' });
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: a }, head: { sha: b } } }) });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toMatchObject({ sha: c });
  });

  it('is the merge base as before when HEAD is a merge commit of another head', async () => {
    const work = clone(origin, { branch: 'pull-merge' });
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ pull_request: { base: { sha: a }, head: { sha: c } } }) });
    await expect(resolveRevision({ kind: 'base' }, { cwd: work, env })).resolves.toMatchObject({ sha: a });
  });

  it('outside a pull request is an InputError that says it needs a pull_request event', async () => {
    const work = clone(origin);
    const env = isolatedEnv({ GITHUB_EVENT_PATH: eventFile({ ref: 'refs/heads/main' }) });
    const e = await failure(resolveRevision({ kind: 'base' }, { cwd: work, env, input: 'baselines: main' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('baselines: main: @base is the pull request\'s merge base, and this run has no pull request');
    expect(e.message).toContain('pull_request');
  });
});

describe('@previous-release', () => {
  // Tags on main: v1.2.0, v1.9.0, v1.10.0, v1.11.0-rc.1, then v1.11.0 on the newest commit.
  // v3.0.0 sits on a side branch, not reachable from main.
  let origin: string;
  const at: Record<string, string> = {};
  beforeAll(() => {
    origin = newRepo();
    for (const tag of ['v1.2.0', 'v1.10.0', 'v1.9.0', 'v1.11.0-rc.1']) {
      at[tag] = commit(origin, { 'model.onnx': tag }, tag);
      git(origin, 'tag', '-a', '-m', tag, tag);
    }
    git(origin, 'checkout', '-q', '-b', 'side');
    at['v3.0.0'] = commit(origin, { 'model.onnx': 'v3.0.0' }, 'v3.0.0');
    git(origin, 'tag', 'v3.0.0');
    git(origin, 'checkout', '-q', 'main');
    at.untagged = commit(origin, { 'model.onnx': 'after rc' }, 'after rc');
    at['v1.11.0'] = commit(origin, { 'model.onnx': 'v1.11.0' }, 'v1.11.0');
    git(origin, 'tag', 'v1.11.0');
    git(origin, 'tag', 'nightly');
  });

  it('on a tag push, is the highest release tag below the pushed one (v1.10.0 above v1.9.0, pre-releases skipped)', async () => {
    const work = clone(origin);
    const env = isolatedEnv({ GITHUB_REF: 'refs/tags/v1.11.0' });
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env })).resolves.toEqual({
      sha: at['v1.10.0'],
      label: `v1.10.0 (${at['v1.10.0'].slice(0, 7)})`,
    });
  });

  it('on a tag push to a depth-1 checkout, finds the tag on origin and fetches it', async () => {
    const work = clone(origin, { depth: 1, branch: 'v1.11.0' });
    expect(git(work, 'tag', '--list')).not.toContain('v1.10.0');
    const env = isolatedEnv({ GITHUB_REF: 'refs/tags/v1.11.0' });
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env })).resolves.toMatchObject({ sha: at['v1.10.0'] });
  });

  it('counts pre-releases when the pushed tag is one', async () => {
    const work = clone(origin);
    const env = isolatedEnv({ GITHUB_REF: 'refs/tags/v1.11.0-rc.2' });
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env })).resolves.toMatchObject({ sha: at['v1.11.0-rc.1'] });
  });

  it('otherwise, is the highest release reachable from HEAD, below a release tag on HEAD itself', async () => {
    const work = clone(origin);
    // HEAD carries v1.11.0 (and nightly): the release before it. v3.0.0 is not reachable.
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env: isolatedEnv({ GITHUB_REF: 'refs/heads/main' }) })).resolves.toMatchObject({
      sha: at['v1.10.0'],
    });
    // An untagged HEAD after v1.11.0-rc.1: the last release, v1.10.0 (a pre-release does not count).
    git(work, 'checkout', '-q', at.untagged);
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env: isolatedEnv() })).resolves.toMatchObject({ sha: at['v1.10.0'] });
    // The side branch reaches v3.0.0 on HEAD itself: the release below it.
    git(work, 'checkout', '-q', 'origin/side');
    await expect(resolveRevision({ kind: 'previous-release' }, { cwd: work, env: isolatedEnv() })).resolves.toMatchObject({ sha: at['v1.10.0'] });
  });

  it('says so when there is no earlier release, and suggests fetch-depth: 0 in a shallow checkout', async () => {
    const work = clone(origin);
    const env = isolatedEnv({ GITHUB_REF: 'refs/tags/v1.2.0' });
    const e = await failure(resolveRevision({ kind: 'previous-release' }, { cwd: work, env, input: 'baselines: release' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('baselines: release: @previous-release: there is no release tag (vX.Y.Z or X.Y.Z) below the pushed tag "v1.2.0", so this is the first release.');
    // Known to be the first release: the pipeline makes it a warning.
    expect(e).toBeInstanceOf(NoPreviousRelease);
    const shallow = clone(origin, { depth: 1 });
    const e2 = await failure(resolveRevision({ kind: 'previous-release' }, { cwd: shallow, env: isolatedEnv() }));
    expect(e2.message).toContain('reachable from HEAD');
    expect(e2.message).toContain('`fetch-depth: 0`');
    // A shallow checkout off a tag push cannot tell: an error.
    expect(e2).not.toBeInstanceOf(NoPreviousRelease);
    // On a tag push, origin's tags are listed: the first release, known, in a shallow checkout too.
    const e3 = await failure(resolveRevision({ kind: 'previous-release' }, { cwd: clone(origin, { depth: 1 }), env }));
    expect(e3).toBeInstanceOf(NoPreviousRelease);
  });

  it('keeps a failure to list origin\'s tags an error, not a first release', async () => {
    const shallow = clone(origin, { depth: 1 });
    git(shallow, 'remote', 'set-url', 'origin', path.join(tempDir(), 'gone'));
    const e = await failure(resolveRevision({ kind: 'previous-release' }, { cwd: shallow, env: isolatedEnv({ GITHUB_REF: 'refs/tags/v1.2.0' }), input: 'baselines: release' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e).not.toBeInstanceOf(NoPreviousRelease);
    expect(e.message).toMatch(/^baselines: release: @previous-release: this shallow checkout lacks the tags, and listing origin's tags failed \(git says: .+\)\. Set `fetch-depth: 0`/);
  });
});

describe('@<rev>', () => {
  let origin: string;
  let first: string;
  let second: string;
  beforeAll(() => {
    origin = newRepo();
    first = commit(origin, { 'models/m.onnx': 'first' }, 'first');
    git(origin, 'tag', 'v1.0.0');
    git(origin, 'branch', 'old');
    second = commit(origin, { 'models/m.onnx': 'second' }, 'second');
    commit(origin, { 'models/m.onnx': 'third' }, 'third');
  });

  it('resolves a tag, a branch and a commit id in a full clone', async () => {
    const work = clone(origin);
    const env = isolatedEnv();
    await expect(resolveRevision({ kind: 'rev', rev: 'v1.0.0' }, { cwd: work, env })).resolves.toEqual({ sha: first, label: `v1.0.0 (${first.slice(0, 7)})` });
    await expect(resolveRevision({ kind: 'rev', rev: 'origin/old' }, { cwd: work, env })).resolves.toMatchObject({ sha: first });
    await expect(resolveRevision({ kind: 'rev', rev: second }, { cwd: work, env })).resolves.toEqual({ sha: second, label: second.slice(0, 7) });
  });

  it('fetches a commit, a tag or a branch that a depth-1 checkout lacks', async () => {
    const work = clone(origin, { depth: 1 });
    const env = isolatedEnv();
    await expect(resolveRevision({ kind: 'rev', rev: second }, { cwd: work, env })).resolves.toMatchObject({ sha: second });
    await expect(resolveRevision({ kind: 'rev', rev: 'v1.0.0' }, { cwd: work, env })).resolves.toMatchObject({ sha: first });
    await expect(resolveRevision({ kind: 'rev', rev: 'old' }, { cwd: work, env })).resolves.toMatchObject({ sha: first });
    expect(git(work, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('fetches a branch from origin first, so a persistent workspace\'s stale main is not the baseline', async () => {
    const o = newRepo();
    const old = commit(o, { 'models/m.onnx': 'old' }, 'old');
    const work = clone(o);
    const newer = commit(o, { 'models/m.onnx': 'newer' }, 'newer');
    expect(git(work, 'rev-parse', 'main')).toBe(old);
    for (const rev of ['main', 'origin/main', 'refs/heads/main']) {
      await expect(resolveRevision({ kind: 'rev', rev }, { cwd: work, env: isolatedEnv() })).resolves.toEqual({ sha: newer, label: `${rev} (${newer.slice(0, 7)})` });
    }
    // Origin gone: the local name, as before.
    git(work, 'remote', 'set-url', 'origin', path.join(tempDir(), 'gone'));
    git(work, 'update-ref', 'refs/remotes/origin/main', old);
    await expect(resolveRevision({ kind: 'rev', rev: 'origin/main' }, { cwd: work, env: isolatedEnv() })).resolves.toMatchObject({ sha: old });
    await expect(resolveRevision({ kind: 'rev', rev: 'main' }, { cwd: work, env: isolatedEnv() })).resolves.toMatchObject({ sha: old });
  });

  it('says to set fetch-depth: 0 when the fetch fails', async () => {
    const work = clone(origin, { depth: 1 });
    git(work, 'remote', 'set-url', 'origin', `file://${path.join(tempDir(), 'gone')}`);
    const e = await failure(resolveRevision({ kind: 'rev', rev: second }, { cwd: work, env: isolatedEnv(), input: 'baselines: old' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(`baselines: old: "@${second}": no tag, branch or commit of that name is in the checkout, and fetching it from origin failed (git says:`);
    expect(e.message).toContain('set `fetch-depth: 0` on actions/checkout');
    const missing = await failure(resolveRevision({ kind: 'rev', rev: 'no-such-tag' }, { cwd: clone(origin, { depth: 1 }), env: isolatedEnv() }));
    expect(missing.message).toContain('"@no-such-tag"');
    expect(missing.message).toContain('`fetch-depth: 0`');
  });

  it('refuses hostile revisions before git sees them, even in a spec built by hand', async () => {
    const work = clone(origin, { depth: 1 });
    const marker = path.join(tempDir(), 'ran');
    for (const rev of [`--upload-pack=touch${'\t'}${marker}`, `--upload-pack=sh${'\u0000'}`, '-x', 'main\nfeature']) {
      const e = await failure(resolveRevision({ kind: 'rev', rev }, { cwd: work, env: isolatedEnv() }));
      expect(e).toBeInstanceOf(InputError);
    }
    // Through the parser too, and nothing ran.
    expect(() => parseGitBaseline(`@--upload-pack=touch ${marker}`, 'baselines')).toThrow(InputError);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs none of the repository\'s hooks while fetching', async () => {
    const work = clone(origin, { depth: 1 });
    const marker = path.join(tempDir(), 'hook-ran');
    const hook = path.join(work, '.git', 'hooks', 'reference-transaction');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(hook, 0o755);
    // The hook works when git runs it...
    git(work, 'update-ref', 'refs/check/hook', 'HEAD');
    expect(existsSync(marker)).toBe(true);
    git(work, 'update-ref', '-d', 'refs/check/hook');
    rmSync(marker);
    // ...and not when model-gate fetches a tag, which writes refs/tags/v1.0.0.
    await expect(resolveRevision({ kind: 'rev', rev: 'v1.0.0' }, { cwd: work, env: isolatedEnv() })).resolves.toMatchObject({ sha: first });
    expect(existsSync(marker)).toBe(false);
  });
});
