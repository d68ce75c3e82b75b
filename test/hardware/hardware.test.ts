// GPU detection on recorded nvidia-smi outputs (test/hardware/recorded/), the device setting, and the
// hardware line. Nothing here needs a GPU.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, ModelError } from '../../src/errors.js';
import {
  describeGpus,
  detectGpus,
  hardwareLine,
  NVIDIA_SMI_QUERY,
  parseCudaVersion,
  parseDeviceSetting,
  parseNvidiaSmiCsv,
  planDevice,
  startOnDevice,
  type GpuReport,
  type RunCommand,
} from '../../src/hardware/index.js';

const recorded = (f: string) => readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'recorded', f), 'utf8');

/** Answers like execFile: the CSV query or the plain table, from recorded files; calls are logged. */
function machine(csv: string, table: string, calls: string[][] = []): RunCommand {
  return async (file, args) => {
    calls.push([file, ...args]);
    return { stdout: recorded(args.length === 0 ? table : csv), stderr: '' };
  };
}

/** nvidia-smi exiting non-zero: execFile's error with the output attached. */
function failing(code: number | string, stdout: string): RunCommand {
  return async () => {
    throw Object.assign(new Error(`Command failed: nvidia-smi`), { code, stdout, stderr: '' });
  };
}

describe('parsing nvidia-smi', () => {
  test('H100: one GPU from the CSV query, CUDA 12.2 from the table header', () => {
    expect(parseNvidiaSmiCsv(recorded('h100.csv'))).toEqual([{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driverVersion: '535.104.05' }]);
    expect(parseCudaVersion(recorded('h100.txt'))).toBe('12.2');
  });

  test('A10G on the 550 driver (wider header)', () => {
    expect(parseNvidiaSmiCsv(recorded('a10g.csv'))).toEqual([{ index: 0, name: 'NVIDIA A10G', memoryMiB: 23028, driverVersion: '550.54.15' }]);
    expect(parseCudaVersion(recorded('a10g.txt'))).toBe('12.4');
  });

  test('two GPUs on the 470 driver (older header)', () => {
    const gpus = parseNvidiaSmiCsv(recorded('two-t4.csv'));
    expect(gpus.map((g) => [g.index, g.name, g.memoryMiB])).toEqual([
      [0, 'Tesla T4', 15109],
      [1, 'Tesla T4', 15109],
    ]);
    expect(parseCudaVersion(recorded('two-t4.txt'))).toBe('11.4');
    expect(describeGpus(gpus)).toBe('2 × Tesla T4 (14.8 GiB)');
  });

  test('failure messages, blank lines, [N/A] cells and CRLF are not GPUs', () => {
    expect(parseNvidiaSmiCsv(recorded('driver-failed.txt'))).toEqual([]);
    expect(parseNvidiaSmiCsv(recorded('no-devices.txt'))).toEqual([]);
    expect(parseNvidiaSmiCsv('')).toEqual([]);
    expect(parseNvidiaSmiCsv('NVIDIA GH200 480GB, [N/A], 550.90.07\r\n\r\n')).toEqual([{ index: 0, name: 'NVIDIA GH200 480GB', memoryMiB: undefined, driverVersion: '550.90.07' }]);
    expect(parseCudaVersion(recorded('driver-failed.txt'))).toBeUndefined();
    expect(parseCudaVersion('| NVIDIA-SMI 580.65.06    Driver Version: 580.65.06    CUDA Version: 13.0 |')).toBe('13.0');
  });

  test('mixed GPUs are listed in order', () => {
    const gpus = parseNvidiaSmiCsv(`${recorded('a10g.csv')}${recorded('h100.csv')}`);
    expect(gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(describeGpus(gpus)).toBe('NVIDIA A10G (22.5 GiB) + NVIDIA H100 80GB HBM3 (79.6 GiB)');
  });
});

describe('detectGpus', () => {
  test('asks the CSV query, then the table for the CUDA version', async () => {
    const calls: string[][] = [];
    const report = await detectGpus(machine('h100.csv', 'h100.txt', calls));
    expect(calls).toEqual([['nvidia-smi', ...NVIDIA_SMI_QUERY], ['nvidia-smi']]);
    expect(NVIDIA_SMI_QUERY).toEqual(['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits']);
    expect(report).toEqual({
      gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driverVersion: '535.104.05' }],
      driverVersion: '535.104.05',
      cudaVersion: '12.2',
    });
  });

  test('a table that fails still leaves the GPUs', async () => {
    const run: RunCommand = async (_f, args) => {
      if (args.length === 0) throw new Error('boom');
      return { stdout: recorded('a10g.csv'), stderr: '' };
    };
    expect(await detectGpus(run)).toEqual({ gpus: [{ index: 0, name: 'NVIDIA A10G', memoryMiB: 23028, driverVersion: '550.54.15' }], driverVersion: '550.54.15' });
  });

  test('nvidia-smi not installed (ENOENT from execFile, or 127 / "command not found" from a shell)', async () => {
    const enoent: RunCommand = async () => {
      throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    };
    const expected = { gpus: [], note: 'nvidia-smi not found (no NVIDIA driver on this machine)' };
    expect(await detectGpus(enoent)).toEqual(expected);
    expect(await detectGpus(failing(127, recorded('command-not-found.txt')))).toEqual(expected);
  });

  test('driver not answering (exit 9) and no devices (exit 6): the note quotes nvidia-smi', async () => {
    expect(await detectGpus(failing(9, recorded('driver-failed.txt')))).toEqual({
      gpus: [],
      note: "nvidia-smi failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    });
    expect(await detectGpus(failing(6, recorded('no-devices.txt')))).toEqual({ gpus: [], note: 'nvidia-smi failed (exit code 6): No devices were found' });
  });

  test('exit 0 with no GPU line', async () => {
    expect(await detectGpus(async () => ({ stdout: recorded('no-devices.txt'), stderr: '' }))).toEqual({ gpus: [], note: 'nvidia-smi lists no GPU (No devices were found)' });
  });

  test('on this machine: never throws', async () => {
    const report = await detectGpus();
    expect(Array.isArray(report.gpus)).toBe(true);
    if (report.gpus.length === 0) expect(report.note).toBeDefined();
  });
});

describe('device setting', () => {
  const h100: GpuReport = { gpus: parseNvidiaSmiCsv(recorded('h100.csv')), cudaVersion: '12.2', driverVersion: '535.104.05' };
  const none: GpuReport = { gpus: [], note: 'nvidia-smi not found (no NVIDIA driver on this machine)' };
  const cuda = { available: true };
  const noCuda = { available: false, why: 'onnxruntime-node is not installed' };

  test('parse: auto by default, cuda means gpu, anything else is an InputError', () => {
    expect(parseDeviceSetting(undefined)).toBe('auto');
    expect(parseDeviceSetting(' GPU ')).toBe('gpu');
    expect(parseDeviceSetting('cuda')).toBe('gpu');
    expect(parseDeviceSetting('cpu')).toBe('cpu');
    expect(() => parseDeviceSetting('tpu', 'models.candidate.device')).toThrow(InputError);
    expect(() => parseDeviceSetting('tpu', 'models.candidate.device')).toThrow(/models\.candidate\.device: "tpu" is not a device; use auto, cpu or gpu/);
  });

  test('auto: CUDA with fallback when a GPU and CUDA support are there; CPU otherwise', () => {
    expect(planDevice('auto', h100, cuda, 'm')).toMatchObject({ device: 'cuda', fallback: true });
    expect(planDevice('auto', none, cuda, 'm')).toEqual({ setting: 'auto', device: 'cpu', fallback: false, gpus: '' });
    expect(planDevice('auto', h100, noCuda, 'm')).toMatchObject({
      device: 'cpu',
      note: 'NVIDIA H100 80GB HBM3 (79.6 GiB) found, but ran on the CPU: onnxruntime-node is not installed.',
    });
  });

  test('cpu never looks at the GPU; gpu fails with what is missing', () => {
    expect(planDevice('cpu', h100, cuda, 'm')).toMatchObject({ device: 'cpu', fallback: false });
    expect(planDevice('gpu', h100, cuda, 'm')).toMatchObject({ device: 'cuda', fallback: false });
    expect(() => planDevice('gpu', none, cuda, 'm')).toThrow(ModelError);
    expect(() => planDevice('gpu', none, cuda, 'm')).toThrow(/model m: device is gpu, but no NVIDIA GPU was found \(nvidia-smi not found/);
    expect(() => planDevice('gpu', h100, noCuda, 'm')).toThrow(/device is gpu and NVIDIA H100 80GB HBM3 \(79\.6 GiB\) is there, but onnxruntime-node is not installed/);
  });

  test('startOnDevice: a failed GPU start falls back under auto, fails under gpu', async () => {
    const start = (fail: boolean) => async (d: 'cpu' | 'cuda') => {
      if (d === 'cuda' && fail) throw new Error('Failed to load library libonnxruntime_providers_cuda.so\nmore detail');
      return d;
    };
    expect(await startOnDevice(planDevice('auto', h100, cuda, 'm'), start(false), 'm')).toEqual({ value: 'cuda', device: 'cuda' });
    expect(await startOnDevice(planDevice('auto', h100, cuda, 'm'), start(true), 'm')).toEqual({
      value: 'cpu',
      device: 'cpu',
      note: 'NVIDIA H100 80GB HBM3 (79.6 GiB) found, but the GPU did not start (Failed to load library libonnxruntime_providers_cuda.so); ran on the CPU instead.',
    });
    await expect(startOnDevice(planDevice('gpu', h100, cuda, 'm'), start(true), 'm')).rejects.toThrow(
      /device is gpu, but the CUDA execution provider did not start on NVIDIA H100 80GB HBM3 \(79\.6 GiB\) \(Failed to load library/,
    );
    expect(await startOnDevice(planDevice('auto', h100, noCuda, 'm'), start(true), 'm')).toMatchObject({ device: 'cpu', note: expect.stringContaining('ran on the CPU') });
  });
});

describe('hardwareLine', () => {
  const cpus = [{ model: 'AMD EPYC 7763 64-Core Processor   ' }, { model: 'AMD EPYC 7763 64-Core Processor   ' }];

  test('CPU only, WebAssembly backend that already names its threads', () => {
    const facts = hardwareLine({ cpus, cores: 2, gpus: { gpus: [], note: 'nvidia-smi not found' }, engine: 'onnx', backend: 'onnxruntime-web wasm (2 threads)', threads: 2 });
    expect(facts.text).toBe('AMD EPYC 7763 64-Core Processor, 2 cores · no GPU · onnx: onnxruntime-web wasm (2 threads)');
    expect(facts).toMatchObject({ cpu: { model: 'AMD EPYC 7763 64-Core Processor', cores: 2 }, gpus: [], engine: 'onnx', threads: 2 });
  });

  test('GPU runner: GPU, driver and CUDA; threads added when the backend does not say them', () => {
    const gpus: GpuReport = { gpus: parseNvidiaSmiCsv(recorded('h100.csv')), driverVersion: '535.104.05', cudaVersion: '12.2' };
    const facts = hardwareLine({ cpus: [{ model: 'Intel(R) Xeon(R) Platinum 8480+' }], cores: 16, gpus, engine: 'onnx', backend: 'onnxruntime-node cuda', threads: 16 });
    expect(facts.text).toBe('Intel(R) Xeon(R) Platinum 8480+, 16 cores · GPU: NVIDIA H100 80GB HBM3 (79.6 GiB), driver 535.104.05, CUDA 12.2 · onnx: onnxruntime-node cuda (16 threads)');
    expect(facts.cudaVersion).toBe('12.2');
  });

  test('GPUs not looked for, no engine; unknown CPU model', () => {
    expect(hardwareLine({ cpus: [{ model: '' }], cores: 1 }).text).toBe('unknown CPU, 1 core');
    expect(hardwareLine({ cpus: [{ model: 'x' }], cores: 4, gpus: { gpus: parseNvidiaSmiCsv(recorded('two-t4.csv')) } }).text).toBe('x, 4 cores · GPU: 2 × Tesla T4 (14.8 GiB)');
  });

  test('this machine', () => {
    const facts = hardwareLine();
    expect(facts.cpu.cores).toBeGreaterThan(0);
    expect(facts.text).toContain(`${facts.cpu.cores} core`);
  });
});

test('detectGpusOnce asks nvidia-smi once per process', async () => {
  const { detectGpusOnce } = await import('../../src/hardware/index.js');
  const a = detectGpusOnce();
  expect(detectGpusOnce()).toBe(a);
  expect(Array.isArray((await a).gpus)).toBe(true);
});
