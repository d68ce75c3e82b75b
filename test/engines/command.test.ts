// The command engine with stand-in "frameworks": fixtures/onnx/stand-in.mjs (Node, always) and
// fixtures/onnx/stand_in.py (when /usr/bin/python3 is there). Their "model" is a *.expected.json, so the
// predictions they write are PyTorch's outputs.

import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import { childEnvironment, fillPlaceholders, loadCommandModel, LOG_LIMIT, runCommand, splitCommand, type CommandOptions } from '../../src/engines/command.js';
import type { PredictInput } from '../../src/engines/engine.js';
import { InputError, ModelError } from '../../src/errors.js';
import type { GpuReport } from '../../src/hardware/gpus.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const onnxDir = path.join(root, 'fixtures', 'onnx');
const speciesModel = path.join(onnxDir, 'species.expected.json');
const speciesData = path.join(root, 'fixtures', 'penguins-species', 'eval.csv');
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const node = JSON.stringify(process.execPath); // a quoted word, whatever the path holds
const standIn = JSON.stringify(path.join(onnxDir, 'stand-in.mjs'));
const cmd = (extra = '') => `${node} ${standIn} --model {model} --data {data} --out {predictions} --device {device} --classes Adelie,Chinstrap,Gentoo ${extra}`;
const cpu: Partial<CommandOptions> = { device: 'cpu' };
const H100: GpuReport = { gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }] };

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-gate-command-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function speciesInput(data = speciesData): Promise<PredictInput> {
  const dataset = await readDataset(data, { categorical: ['species'] });
  const s = selectFeatures(dataset, { label: 'species', id: 'id' });
  return { name: 'm', dataset, features: s.features, task: 'multiclass', classes: CLASSES, idColumn: s.id, batchSize: 32 };
}

/** Alive and not a zombie (a container's PID 1 may never reap the orphan). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

async function expectedProbs(): Promise<number[]> {
  return (JSON.parse(await readFile(speciesModel, 'utf8')) as { outputs: { probabilities: number[][] } }).outputs.probabilities.flat();
}

describe('splitCommand and fillPlaceholders', () => {
  test('words, quotes and escapes', () => {
    expect(splitCommand('python  predict.py\t--x 1')).toEqual(['python', 'predict.py', '--x', '1']);
    expect(splitCommand(`a 'b c' "d \\"e\\" \\\\ \\n" f\\ g '' ""`)).toEqual(['a', 'b c', 'd "e" \\ \\n', 'f g', '', '']);
    expect(splitCommand(`--out='{predictions}' x"y"'z'`)).toEqual(['--out={predictions}', 'xyz']);
    expect(splitCommand('  ')).toEqual([]);
    expect(() => splitCommand("a 'b", 'model m: command')).toThrow(InputError);
    expect(() => splitCommand("a 'b", 'model m: command')).toThrow(/model m: command: the ' at character 3 is never closed/);
    expect(() => splitCommand('a "b')).toThrow(/" at character 3 is never closed/);
    expect(() => splitCommand('a \\')).toThrow(/lone backslash/);
  });

  test('placeholders are replaced inside words; values never split, join or run anything', () => {
    const values = { model: '/m dir/it\'s "x"; $(rm -rf ~)', data: '/d.csv', predictions: '/p.csv', device: 'cuda' };
    expect(fillPlaceholders(splitCommand(`run {model} --data={data} {predictions}{device} "{{literal}}" '{"json": 1}'`), values)).toEqual([
      'run',
      '/m dir/it\'s "x"; $(rm -rf ~)',
      '--data=/d.csv',
      '/p.csvcuda',
      '{literal}',
      '{"json": 1}',
    ]);
    expect(() => fillPlaceholders(['{preds}'], values)).toThrow(/unknown placeholder \{preds\}; the placeholders are \{model\}, \{data\}, \{predictions\}, \{device\}/);
  });
});

describe('loadCommandModel', () => {
  test('Node stand-in: predictions read back (by id, in any order), log kept, device passed', async () => {
    const model = await loadCommandModel(speciesModel, 'torch-candidate', { ...cpu, command: cmd(), cwd: tmp });
    expect(model.engine).toBe('command');
    expect(model.backend).toBe(`command: ${path.basename(process.execPath)}`);
    expect(model.files).toHaveLength(1);
    expect(model.device).toBe('cpu');
    const p = await model.predict(await speciesInput());
    expect(p.kind).toBe('multiclass');
    expect(Array.from((p as { probs: Float64Array }).probs)).toEqual(await expectedProbs());
    expect(model.log).toContain('stand-in: device cpu (MODEL_GATE_DEVICE=cpu)');
    expect(model.log).toContain('stand-in: wrote 98 predictions');
    expect(model.lastRun).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
    expect(model.lastRun!.argv[0]).toBe(process.execPath);
  });

  const python = '/usr/bin/python3';
  (existsSync(python) ? test : test.skip)('Python stand-in', async () => {
    const script = path.join(onnxDir, 'stand_in.py');
    const model = await loadCommandModel(speciesModel, 'py', {
      ...cpu,
      command: `${python} ${script} --model {model} --data {data} --out {predictions} --device {device} --classes Adelie,Chinstrap,Gentoo`,
    });
    const p = await model.predict(await speciesInput());
    expect(Array.from((p as { probs: Float64Array }).probs)).toEqual(await expectedProbs());
    expect(model.log).toContain('stand_in.py: wrote 98 predictions');
  });

  test('paths with spaces, quotes and shell syntax reach the command as single arguments, uninterpreted', async () => {
    const dir = path.join(tmp, `a b'c"; touch PWNED; $(touch PWNED2)`);
    await mkdir(dir, { recursive: true });
    const modelPath = path.join(dir, 'model $HOME.json');
    const dataPath = path.join(dir, 'eval `x`.csv');
    await copyFile(speciesModel, modelPath);
    await copyFile(speciesData, dataPath);
    const argvFile = path.join(tmp, 'argv.json');
    const model = await loadCommandModel(modelPath, 'm', { ...cpu, command: cmd(`--argv ${JSON.stringify(argvFile)}`), cwd: tmp });
    await model.predict(await speciesInput(dataPath));
    const argv = JSON.parse(await readFile(argvFile, 'utf8')) as string[];
    expect(argv[argv.indexOf('--model') + 1]).toBe(modelPath);
    expect(argv[argv.indexOf('--data') + 1]).toBe(dataPath);
    expect(existsSync(path.join(tmp, 'PWNED'))).toBe(false);
    expect(existsSync(path.join(tmp, 'PWNED2'))).toBe(false);
  });

  test('non-zero exit: ModelError naming the command, the code and the last lines of its log', async () => {
    const model = await loadCommandModel(speciesModel, 'torch', { ...cpu, command: cmd('--exit 3') });
    const err = await model.predict(await speciesInput()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^model torch: command "${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" exited with code 3 after \\d+\\.\\d s\\. Last 5 lines of its output:\\n`));
    expect(message).toContain('    RuntimeError: CUDA out of memory');
    expect(model.log).toContain('Traceback (most recent call last):');
    expect(model.lastRun?.exitCode).toBe(3);
  });

  test('timeout: the whole process group is stopped, children included', async () => {
    const pidFile = path.join(tmp, 'sleeper.pid');
    const model = await loadCommandModel(speciesModel, 'slow', { ...cpu, command: cmd(`--sleeper ${JSON.stringify(pidFile)} --sleep 60`), timeoutSeconds: 1 });
    const t0 = Date.now();
    const err = await model.predict(await speciesInput()).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/model slow: command ".*" did not finish within 1 s and was stopped \(SIGTERM to its process group\)\. Last line of its output:\n {4}stand-in: device cpu/);
    expect(model.lastRun?.timedOut).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(isRunning(pid)).toBe(false); // the sleeping child is gone too
  });

  test('a process the command leaves behind, even in a session of its own, is stopped when the run ends', async () => {
    const pidFile = path.join(tmp, 'daemon.pid');
    const model = await loadCommandModel(speciesModel, 'daemon', { ...cpu, command: cmd(`--daemon ${JSON.stringify(pidFile)}`) });
    await model.predict(await speciesInput());
    const pid = Number(await readFile(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    // Before: the detached child slept on for 600 s after model-gate had finished.
    expect(isRunning(pid)).toBe(false);
  });

  test('the command gets an allow-listed environment: no token, no runtime tokens, no file-command paths', async () => {
    const secrets = {
      'INPUT_GITHUB-TOKEN': 'ghs_inputTokenValue0123456789abcdefXYZ',
      GITHUB_TOKEN: 'ghs_envTokenValue0123456789abcdefXYZab',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-value-42',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-43',
      GITHUB_OUTPUT: '/tmp/github-output-file-44',
      GITHUB_ENV: '/tmp/github-env-file-45',
      WANDB_API_KEY: 'wandb-key-value-46',
    };
    const saved = Object.fromEntries(Object.keys(secrets).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secrets);
    try {
      const plain = await loadCommandModel(speciesModel, 'env', { ...cpu, command: cmd('--print-env') });
      await plain.predict(await speciesInput());
      for (const value of Object.values(secrets)) expect(plain.log).not.toContain(value);
      expect(plain.log).toContain(`PATH=${process.env.PATH}`);
      expect(plain.log).toContain('MODEL_GATE_DEVICE=cpu');

      // Opting in is per variable: the one named reaches the command, the others still do not.
      const named = await loadCommandModel(speciesModel, 'env', { ...cpu, command: cmd('--print-env'), passEnv: ['WANDB_API_KEY'] });
      await named.predict(await speciesInput());
      expect(named.log).toContain('WANDB_API_KEY=wandb-key-value-46');
      expect(named.log).not.toContain(secrets['INPUT_GITHUB-TOKEN']);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('killed by a signal', async () => {
    const model = await loadCommandModel(speciesModel, 'oom', { ...cpu, command: cmd('--kill-self') });
    await expect(model.predict(await speciesInput())).rejects.toThrow(/model oom: command ".*" was killed by SIGKILL after/);
  });

  test('command not found, no predictions written, unusable predictions', async () => {
    const missing = await loadCommandModel(speciesModel, 'm', { ...cpu, command: 'no-such-framework-xyz {predictions}' });
    await expect(missing.predict(await speciesInput())).rejects.toThrow(/model m: command "no-such-framework-xyz" not found \(it runs without a shell, from /);
    const silent = await loadCommandModel(speciesModel, 'm', { ...cpu, command: cmd('--no-write') });
    await expect(silent.predict(await speciesInput())).rejects.toThrow(/finished but wrote no predictions to \{predictions\} .*Last 2 lines of its output/s);
    const noClasses = await loadCommandModel(speciesModel, 'm', { ...cpu, command: `${node} ${standIn} --model {model} --data {data} --out {predictions}` });
    await expect(noClasses.predict(await speciesInput())).rejects.toThrow(/wrote predictions model-gate cannot use: .*predictions\.csv:2:\d+: record has 4 fields but the header has 2/);
  });

  test('the log keeps the last 64 KB', async () => {
    const model = await loadCommandModel(speciesModel, 'chatty', { ...cpu, command: cmd('--spam 300000') });
    await model.predict(await speciesInput());
    expect(Buffer.byteLength(model.log)).toBeLessThanOrEqual(LOG_LIMIT);
    expect(Buffer.byteLength(model.log)).toBeGreaterThan(LOG_LIMIT - 200);
    expect(model.log).toContain('spam done');
    expect(model.log).toContain('stand-in: wrote 98 predictions');
    expect(model.log).not.toContain('spam line 0 ');
  });

  test('settings checked before anything runs', async () => {
    await expect(loadCommandModel(speciesModel, 'm', { command: '  ' })).rejects.toThrow(/`command` is empty/);
    await expect(loadCommandModel(speciesModel, 'm', { command: 'python x.py {model}' })).rejects.toThrow(/never mentions \{predictions\}/);
    await expect(loadCommandModel(speciesModel, 'm', { command: 'python x.py {predictions} {modle}' })).rejects.toThrow(/unknown placeholder \{modle\}/);
    await expect(loadCommandModel(speciesModel, 'm', { command: 'x {predictions}', timeoutSeconds: 0 })).rejects.toThrow(/`timeout` must be a positive number/);
    await expect(loadCommandModel(path.join(tmp, 'nope.pt'), 'm', { command: 'x {predictions}' })).rejects.toThrow(/nope\.pt not found/);
  });

  test('a model folder: every file in it is hashed', async () => {
    const dir = path.join(tmp, 'checkpoint');
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'config.json'), '{}');
    await writeFile(path.join(dir, 'sub', 'weights.bin'), 'w');
    const model = await loadCommandModel(dir, 'm', { ...cpu, command: 'x {predictions}' });
    expect(model.files.map((f) => path.relative(dir, f.path))).toEqual(['config.json', path.join('sub', 'weights.bin')]);
  });

  test('{device}: cuda when a GPU is seen under auto or gpu; gpu without one is an error', async () => {
    const auto = await loadCommandModel(speciesModel, 'm', { command: cmd(), detectGpus: async () => H100 });
    expect(auto.device).toBe('cuda');
    await auto.predict(await speciesInput());
    expect(auto.log).toContain('stand-in: device cuda (MODEL_GATE_DEVICE=cuda)');
    expect((await loadCommandModel(speciesModel, 'm', { command: cmd(), detectGpus: async () => ({ gpus: [], note: 'nvidia-smi not found' }) })).device).toBe('cpu');
    expect((await loadCommandModel(speciesModel, 'm', { command: cmd(), device: 'gpu', detectGpus: async () => H100 })).device).toBe('cuda');
    await expect(loadCommandModel(speciesModel, 'm', { command: cmd(), device: 'gpu', detectGpus: async () => ({ gpus: [], note: 'nvidia-smi not found' }) })).rejects.toThrow(
      /device is gpu, but no NVIDIA GPU was found/,
    );
  });
});

test('childEnvironment: the allow-list, locale and conda families, and the names passed', () => {
  const env = { PATH: '/bin', LC_ALL: 'C', CONDA_PREFIX: '/opt/conda', 'INPUT_GITHUB-TOKEN': 't', ACTIONS_CACHE_URL: 'u', GITHUB_PATH: 'p', HF_TOKEN: 'h' };
  expect(childEnvironment(env, [])).toEqual({ PATH: '/bin', LC_ALL: 'C', CONDA_PREFIX: '/opt/conda' });
  expect(childEnvironment(env, ['HF_TOKEN', 'NOT_SET'])).toEqual({ PATH: '/bin', LC_ALL: 'C', CONDA_PREFIX: '/opt/conda', HF_TOKEN: 'h' });
});

test('runCommand streams output as it comes', async () => {
  const seen: string[] = [];
  const r = await runCommand([process.execPath, '-e', 'console.log("one"); console.error("two")'], { cwd: tmp, timeoutMs: 10_000, onOutput: (t) => seen.push(t) });
  expect(r.exitCode).toBe(0);
  expect(seen.join('')).toContain('one');
  expect(r.log).toContain('two');
});
