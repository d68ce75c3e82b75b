// materialiseModel against real repositories: single files, folders, TF.js shards, ONNX external data,
// confinement and size caps, and a shallow clone that fetches the revision first.

import { readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, ModelError } from '../../src/errors.js';
import { readOnnxModel } from '../../src/engines/onnx.js';
import { materialiseModel } from '../../src/git/materialise.js';
import { onnxExternalFiles } from '../../src/git/onnx-external.js';
import { repoPathOf } from '../../src/git/repo-path.js';
import { resolveRevision } from '../../src/git/revision.js';
import { parseGitBaseline } from '../../src/git/spec.js';
import { cleanUp, clone, commit, git, isolatedEnv, newRepo, tempDir, failure } from './repos.js';

afterAll(cleanUp);

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p));


/** Every file under a folder, relative and '/'-separated, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      else out.push(`${rel}${name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('materialiseModel', () => {
  // The TF.js candidate split into two shards; the ONNX model with its external data; then both removed.
  const weights = fixture('penguins-species/candidate/weights.bin');
  const modelJson = JSON.parse(fixture('penguins-species/candidate/model.json').toString('utf8'));
  modelJson.weightsManifest[0].paths = ['group1-shard1of2.bin', 'shards/group1-shard2of2.bin'];
  const tfjsJson = JSON.stringify(modelJson);
  let origin: string;
  let old: string;
  beforeAll(() => {
    origin = newRepo();
    old = commit(origin, {
      'models/tfjs/model.json': tfjsJson,
      'models/tfjs/group1-shard1of2.bin': weights.subarray(0, 500),
      'models/tfjs/shards/group1-shard2of2.bin': weights.subarray(500),
      'models/tfjs/notes.txt': 'not a shard',
      'models/onnx/species-external.onnx': fixture('onnx/species-external.onnx'),
      'models/onnx/species-external.onnx.data': fixture('onnx/species-external.onnx.data'),
      'models/onnx/unrelated.bin': 'not named by the model',
      'models/big.bin': Buffer.alloc(5000, 7),
      'models/outside/model.json': JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../big.bin'], weights: [] }] }),
      'models/missing/model.onnx': fixture('onnx/species-external.onnx'),
    });
    git(origin, 'tag', 'v1.0.0');
    commit(origin, { models: null, 'README.md': 'models moved away' }, 'remove the models');
  });

  it('writes a TF.js model.json with its weight shards, and nothing else of the folder', async () => {
    const work = clone(origin);
    const m = await materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/tfjs/model.json', dest: tempDir() });
    expect(m.path).toBe(path.join(m.dir, 'models', 'tfjs', 'model.json'));
    expect(filesUnder(m.dir)).toEqual(['models/tfjs/group1-shard1of2.bin', 'models/tfjs/model.json', 'models/tfjs/shards/group1-shard2of2.bin']);
    expect(readFileSync(m.path, 'utf8')).toBe(tfjsJson);
    const shards = Buffer.concat([readFileSync(path.join(m.dir, 'models/tfjs/group1-shard1of2.bin')), readFileSync(path.join(m.dir, 'models/tfjs/shards/group1-shard2of2.bin'))]);
    expect(shards.equals(weights)).toBe(true);
    expect(m.bytes).toBe(tfjsJson.length + weights.length);
  });

  it('writes a whole folder when the path names one', async () => {
    const work = clone(origin);
    const m = await materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/tfjs/' });
    expect(m.path).toBe(path.join(m.dir, 'models', 'tfjs'));
    expect(filesUnder(m.path)).toEqual(['group1-shard1of2.bin', 'model.json', 'notes.txt', 'shards/group1-shard2of2.bin']);
    // By default the folder is made in RUNNER_TEMP when it is set.
    const runnerTemp = tempDir();
    const m2 = await materialiseModel({ cwd: work, env: isolatedEnv({ RUNNER_TEMP: runnerTemp }), sha: old, path: 'models/big.bin' });
    expect(path.dirname(m2.dir)).toBe(runnerTemp);
    expect(readFileSync(m2.path).equals(Buffer.alloc(5000, 7))).toBe(true);
  });

  it('writes an ONNX model with the external data files it names, byte for byte', async () => {
    const work = clone(origin);
    const m = await materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/onnx/species-external.onnx', dest: tempDir() });
    expect(filesUnder(m.dir)).toEqual(['models/onnx/species-external.onnx', 'models/onnx/species-external.onnx.data']);
    expect(readFileSync(m.path).equals(fixture('onnx/species-external.onnx'))).toBe(true);
    expect(readFileSync(`${m.path}.data`).equals(fixture('onnx/species-external.onnx.data'))).toBe(true);
  });

  it('reads the same external data files as the ONNX engine', () => {
    for (const name of ['species-external.onnx', 'species-external-outside.onnx', 'species-external-overlong.onnx', 'species.onnx']) {
      const bytes = fixture(`onnx/${name}`);
      expect(onnxExternalFiles(bytes)).toEqual(readOnnxModel(bytes).externalData);
    }
    expect(onnxExternalFiles(fixture('onnx/species-external-outside.onnx'))).toEqual(['../outside.bin']);
  });

  it('refuses companion files outside the model\'s folder, and says which file is missing', async () => {
    const work = clone(origin);
    const outside = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/outside/model.json', label: 'v1.0.0', input: 'baselines: old' }));
    expect(outside).toBeInstanceOf(ModelError);
    expect(outside.message).toBe('baselines: old: "models/outside/model.json" at v1.0.0 names the file "../big.bin", which is outside the model\'s folder; model-gate reads only files beside the model.');
    const missing = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/missing/model.onnx', label: 'v1.0.0' }));
    expect(missing).toBeInstanceOf(ModelError);
    expect(missing.message).toContain('names the file "species-external.onnx.data", which is not in the repository at v1.0.0');
  });

  it('says when the path is not in the repository at that revision', async () => {
    const work = clone(origin);
    const head = git(work, 'rev-parse', 'HEAD');
    const e = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha: head, path: 'models/tfjs/model.json', label: 'main (abc)', input: 'baselines: main' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^baselines: main: "models\/tfjs\/model.json" is not in the repository at main \(abc\)\./);
    // A path that is only a prefix of a file's name is not that file.
    await expect(materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/bi' })).rejects.toThrow('is not in the repository');
  });

  it('refuses a file over the size limit, and leaves no folder behind', async () => {
    const work = clone(origin);
    const runnerTemp = tempDir();
    const e = await failure(materialiseModel({ cwd: work, env: isolatedEnv({ RUNNER_TEMP: runnerTemp }), sha: old, path: 'models/big.bin', maxBlobBytes: 4096, label: 'v1.0.0' }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toBe('baselines: "models/big.bin" at v1.0.0 is 5000 bytes, over the 4096-byte limit for one file; raise the limit or use a smaller model.');
    expect(readdirSync(runnerTemp)).toEqual([]);
    const total = await failure(materialiseModel({ cwd: work, env: isolatedEnv(), sha: old, path: 'models/tfjs', maxTotalBytes: 1000 }));
    expect(total.message).toContain('takes more than 1000 bytes together');
  });

  it('refuses symbolic links and submodules', async () => {
    const repo = newRepo();
    // A submodule as git records it: a commit entry (mode 160000) in the tree.
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${old},vendor/sub`);
    git(repo, 'commit', '-q', '-m', 'submodule');
    const sha = git(repo, 'rev-parse', 'HEAD');
    symlinkSync('/etc/passwd', path.join(repo, 'link.onnx'));
    const linked = commit(repo, {}, 'link');
    await expect(materialiseModel({ cwd: repo, env: isolatedEnv(), sha, path: 'vendor/sub' })).rejects.toThrow('is a submodule');
    await expect(materialiseModel({ cwd: repo, env: isolatedEnv(), sha: linked, path: 'link.onnx' })).rejects.toThrow('is a symbolic link');
  });

  it('takes @<sha>:path from a depth-1 checkout that lacks the commit', async () => {
    const work = clone(origin, { depth: 1 });
    const spec = parseGitBaseline(`@${old}:models/onnx/species-external.onnx`, 'baselines: old')!;
    const rev = await resolveRevision(spec, { cwd: work, env: isolatedEnv() });
    expect(rev.sha).toBe(old);
    const m = await materialiseModel({ cwd: work, env: isolatedEnv(), sha: rev.sha, path: spec.path!, label: rev.label });
    expect(readFileSync(`${m.path}.data`).equals(fixture('onnx/species-external.onnx.data'))).toBe(true);
  });

  it('finds the candidate\'s own path in the repository', async () => {
    const work = clone(origin);
    await expect(repoPathOf('README.md', { cwd: path.join(work), env: isolatedEnv() })).resolves.toBe('README.md');
    await expect(repoPathOf('../x', { cwd: work, env: isolatedEnv() })).rejects.toThrow(InputError);
  });
});
