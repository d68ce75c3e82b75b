// The bundle from a folder with no node_modules: an ONNX candidate on the embedded onnxruntime-web,
// a TF.js baseline, and any framework through the command engine, as a runner would use them.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeBinaries, requireNodeBinary } from '../support/node-binaries.js';

const root = process.cwd();
let bare: string;
beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run npm run build');
  bare = mkdtempSync(path.join(os.tmpdir(), 'model-gate-engines-'));
  cpSync(path.join(root, 'dist'), path.join(bare, 'dist'), { recursive: true });
  cpSync(path.join(root, 'fixtures'), path.join(bare, 'fixtures'), { recursive: true });
});

const species = ['--data', 'fixtures/penguins-species/eval.csv', '--label', 'species', '--id', 'id', '--bootstrap', '200', '-q'];

// Every test runs under each runtime: the Node running jest and Node 24, which action.yml declares.
describe.each(nodeBinaries())('dist/cli.js under $name', (binary) => {
  beforeAll(() => requireNodeBinary(binary));
  // Each runtime writes its own reports, so a run that wrote nothing cannot pass on the other's.
  const own = (file: string) => path.join(bare, `${binary.name.replace(/\W+/g, '-')}-${file}`);

  test('ONNX candidate (WebAssembly runtime in dist/) against a TF.js baseline', () => {
    const out = own('onnx.json');
    execFileSync(binary.path, ['dist/cli.js', 'evaluate', '--candidate', 'fixtures/onnx/species.onnx', '--baseline', 'tfjs=fixtures/penguins-species/candidate', ...species, '--json', out], {
      cwd: bare,
      env: { PATH: process.env.PATH ?? '', HOME: bare },
    });
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const cand = report.models[0];
    expect(cand.engine).toBe('onnx');
    expect(cand.backend).toMatch(/^onnxruntime-web wasm/);
    expect(cand.facts).toMatchObject({ parameters: 243 });
    // fixtures/onnx/README.md: PyTorch's eval accuracy for this network.
    expect(cand.metrics.accuracy.value).toBeCloseTo(0.9898, 4);
    expect(report.hardware.text).toContain('onnx');
    expect(report.models[1].engine).toBe('tfjs layers model');
  }, 120000);

  test('the same evaluation from NumPy arrays (.npz) as from the CSV they were saved from', () => {
    const run = (data: string, out: string) => {
      execFileSync(binary.path, ['dist/cli.js', 'evaluate', '--candidate', 'fixtures/onnx/species.onnx', ...species, '--data', data, '--json', own(out)], {
        cwd: bare,
        env: { PATH: process.env.PATH ?? '', HOME: bare },
      });
      return JSON.parse(readFileSync(own(out), 'utf8'));
    };
    const fromCsv = run('fixtures/penguins-species/eval.csv', 'csv.json');
    const fromNpz = run('fixtures/npz/penguins-species.npz', 'npz.json');
    expect(fromNpz.data.rows).toBe(fromCsv.data.rows);
    // fixtures/onnx/README.md: PyTorch's eval accuracy for this network.
    expect(fromNpz.models[0].metrics.accuracy.value).toBeCloseTo(0.9898, 4);
    for (const [name, m] of Object.entries(fromCsv.models[0].metrics as Record<string, { value: number }>)) {
      if (name.startsWith('latency') || name.startsWith('throughput')) continue;
      expect([name, fromNpz.models[0].metrics[name].value]).toEqual([name, m.value]);
    }
  }, 120000);

  test('the command engine runs a framework script per model and reads its predictions', () => {
    const out = own('command.json');
    const command = `node fixtures/onnx/stand-in.mjs --model {model} --data {data} --out {predictions} --device {device} --classes Adelie,Chinstrap,Gentoo`;
    const r = spawnSync(
      binary.path,
      ['dist/cli.js', 'evaluate', '--candidate', 'fixtures/onnx/species.expected.json', '--baseline', 'prod=fixtures/penguins-species/baseline-predictions.jsonl', ...species, '--task', 'multiclass', '--classes', 'Adelie,Chinstrap,Gentoo', '--command', command, '--json', out, '--markdown', own('command.md')],
      { cwd: bare, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: bare, GITHUB_WORKSPACE: bare } },
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.models[0].engine).toBe('command');
    expect(report.models[0].metrics.accuracy.value).toBeCloseTo(0.9898, 4);
    // The predictions file baseline is not run through the command.
    expect(report.models[1].engine).toBe('predictions file');
    expect(readFileSync(own('command.md'), 'utf8')).toMatch(/<summary>Log of candidate's command<\/summary>/);
  }, 120000);
});
