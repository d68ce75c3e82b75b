// Git LFS at a past revision: an object in the local LFS store comes back byte for byte; a pointer whose
// object is nowhere, or a machine without git-lfs, is a clear error. These tests need git-lfs installed
// (.ci/run installs it) and fail, not skip, without it.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ModelError } from '../../src/errors.js';
import { lfsEndpointOf, lfsPointer } from '../../src/git/lfs.js';
import { materialiseModel } from '../../src/git/materialise.js';
import { cleanUp, clone, commit, git, hasGitLfs, isolatedEnv, newRepo, tempDir, failure } from './repos.js';

afterAll(cleanUp);

beforeAll(() => {
  if (!hasGitLfs()) throw new Error('git-lfs is not installed, and these tests need it: apt-get install git-lfs (.ci/run does this).');
});


/** A pseudo-random buffer (not all one byte, so a wrong offset shows). */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function pointerFor(content: Buffer): string {
  const oid = createHash('sha256').update(content).digest('hex');
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n`;
}

describe('Git LFS', () => {
  it('reads a pointer, and nothing else, as a pointer', () => {
    const content = bytes(10, 1);
    expect(lfsPointer(Buffer.from(pointerFor(content)))).toMatchObject({ oid: createHash('sha256').update(content).digest('hex'), size: 10 });
    expect(lfsPointer(Buffer.from('version https://example.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 1\n'))).toBeUndefined();
    expect(lfsPointer(Buffer.from('{"weightsManifest": []}'))).toBeUndefined();
  });

  it('materialises an object that is in the local LFS store, byte for byte, even with GIT_LFS_SKIP_SMUDGE set', async () => {
    const repo = newRepo();
    git(repo, 'lfs', 'install', '--local');
    git(repo, 'lfs', 'track', '*.onnx');
    const model = bytes(200_000, 7);
    const old = commit(repo, { 'models/m.onnx': model }, 'model in LFS');
    commit(repo, { 'models/m.onnx': bytes(1000, 8) }, 'new model');
    // In git the file is a pointer; the object sits in .git/lfs/objects.
    expect(git(repo, 'cat-file', 'blob', `${old}:models/m.onnx`)).toContain('version https://git-lfs.github.com/spec/v1');
    const m = await materialiseModel({ cwd: repo, env: isolatedEnv({ GIT_LFS_SKIP_SMUDGE: '1' }), sha: old, path: 'models/m.onnx', dest: tempDir() });
    expect(readFileSync(m.path).equals(model)).toBe(true);
    expect(m.bytes).toBe(model.length);
  });

  it('says which file, which revision and what to do when the object is not in the store and cannot be fetched', async () => {
    const origin = newRepo();
    const content = bytes(5000, 3);
    // The pointer is committed without git-lfs: its object exists nowhere.
    const sha = commit(origin, { 'models/weights.onnx': pointerFor(content) }, 'pointer only');
    const work = clone(origin, { depth: 1 });
    const e = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha, path: 'models/weights.onnx', label: 'v1.0.0 (abc1234)', input: 'baselines: release' }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(
      /^baselines: release: "models\/weights.onnx" at v1\.0\.0 \(abc1234\) is a Git LFS pointer, and its object \(sha256:[0-9a-f]{12}…, 5000 bytes\) is not in the local LFS store and could not be fetched \(git says: .+\)\. Check out with `lfs: true` on actions\/checkout, or fetch the object first/,
    );
  });

  it('says to install git-lfs when it is missing', async () => {
    const repo = newRepo();
    const sha = commit(repo, { 'model.onnx': pointerFor(bytes(100, 5)) }, 'pointer');
    // A PATH with git and nothing else: no git-lfs.
    const bin = path.join(tempDir(), 'bin');
    mkdirSync(bin);
    const gitPath = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'git')).find((f) => existsSync(f));
    symlinkSync(gitPath!, path.join(bin, 'git'));
    const env = isolatedEnv({ PATH: bin });
    const e = await failure(materialiseModel({ cwd: repo, env, sha, path: 'model.onnx', label: 'main (1234567)' }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toBe(
      'baselines: "model.onnx" at main (1234567) is a Git LFS pointer, and git-lfs is not installed, so its content cannot be read. ' +
        'Install git-lfs (Debian and Ubuntu: apt-get install git-lfs), or keep the model out of LFS.',
    );
  });

  it('refuses an LFS object over the size limit before fetching it', async () => {
    const repo = newRepo();
    const sha = commit(repo, { 'model.onnx': pointerFor(bytes(5000, 9)) }, 'pointer');
    await expect(materialiseModel({ cwd: repo, env: isolatedEnv(), sha, path: 'model.onnx', maxBlobBytes: 4096 })).rejects.toThrow(
      'is 5000 bytes (in Git LFS), over the 4096-byte limit for one file',
    );
  });

  it('keeps git-lfs\'s own reason when an object smaller than its pointer cannot be had', async () => {
    const origin = newRepo();
    const sha = commit(origin, { 'tiny.onnx': pointerFor(bytes(10, 11)) }, 'tiny pointer');
    const work = clone(origin, { depth: 1 });
    const e = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha, path: 'tiny.onnx', label: 'main (1234567)' }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toContain('10 bytes) is not in the local LFS store and could not be fetched (git says: ');
    expect(e.message).not.toContain('wrote more than expected');
  });

  it('derives origin\'s LFS endpoint as git-lfs does', () => {
    expect(lfsEndpointOf('https://github.com/o/r')).toBe('https://github.com/o/r.git/info/lfs');
    expect(lfsEndpointOf('https://github.com/o/r.git')).toBe('https://github.com/o/r.git/info/lfs');
    expect(lfsEndpointOf('https://example.com/o/r/')).toBe('https://example.com/o/r.git/info/lfs');
    expect(lfsEndpointOf('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
    expect(lfsEndpointOf('file:///srv/r')).toBe('file:///srv/r');
  });

  describe('a .lfsconfig that points git-lfs elsewhere', () => {
    let server: http.Server;
    let hits: string[];
    let url: string;
    beforeAll(async () => {
      hits = [];
      server = http.createServer((req, res) => {
        hits.push(`${req.method} ${req.url}`);
        res.writeHead(404, { 'content-type': 'application/vnd.git-lfs+json' }).end('{"message":"no"}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const lfsconfig = (where: string) => `[lfs]\n\turl = ${url}/${where}/info/lfs\n[remote "origin"]\n\tlfsurl = ${url}/${where}-remote/info/lfs\n`;

    it('committed or only in the work tree, receives no request: git-lfs asks origin only', async () => {
      const content = bytes(3000, 21);
      // origin has the object in its LFS store; the pull request's commit adds a .lfsconfig.
      const origin = newRepo();
      git(origin, 'lfs', 'install', '--local');
      git(origin, 'lfs', 'track', '*.onnx');
      commit(origin, { 'model.onnx': content }, 'model in LFS');
      const sha = commit(origin, { '.lfsconfig': lfsconfig('committed') }, 'lfsconfig');
      const work = clone(origin, { depth: 1 });
      // Left by the pull request's checkout, not committed.
      writeFileSync(path.join(work, '.lfsconfig'), lfsconfig('worktree'));
      const env = isolatedEnv({ GIT_LFS_SKIP_SMUDGE: '1' });
      expect(existsSync(path.join(work, '.git', 'lfs', 'objects'))).toBe(false);
      const m = await materialiseModel({ cwd: work, env, sha, path: 'model.onnx', dest: tempDir() });
      expect(readFileSync(m.path).equals(content)).toBe(true);
      expect(hits).toEqual([]);
    });

    it('receives no request when the object is nowhere either', async () => {
      const origin = newRepo();
      const sha = commit(origin, { 'model.onnx': pointerFor(bytes(4000, 22)), '.lfsconfig': lfsconfig('committed') }, 'pointer and lfsconfig');
      const work = clone(origin, { depth: 1 });
      writeFileSync(path.join(work, '.lfsconfig'), lfsconfig('worktree'));
      const e = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha, path: 'model.onnx' }));
      expect(e).toBeInstanceOf(ModelError);
      expect(hits).toEqual([]);
    });
  });
});
