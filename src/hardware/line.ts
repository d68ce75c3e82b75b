// One line saying what the models ran on: CPU model and cores, GPUs, engine, backend, threads.

import os from 'node:os';
import { describeGpus, type Gpu, type GpuReport } from './gpus.js';

export interface HardwareFacts {
  cpu: { model: string; cores: number };
  gpus: Gpu[];
  driverVersion?: string;
  cudaVersion?: string;
  engine?: string;
  backend?: string;
  threads?: number;
  /** The whole line: "AMD EPYC 7763 64-Core Processor, 2 cores · no GPU · onnx: onnxruntime-web wasm (2 threads)". */
  text: string;
}

export interface HardwareLineInput {
  engine?: string;
  backend?: string;
  threads?: number;
  /** detectGpus()'s answer; leave out when GPUs were not looked for. */
  gpus?: GpuReport;
  /** os.cpus() by default (tests pass their own). */
  cpus?: Pick<os.CpuInfo, 'model'>[];
  /** os.availableParallelism() by default. */
  cores?: number;
}

export function hardwareLine(input: HardwareLineInput = {}): HardwareFacts {
  const cpus = input.cpus ?? os.cpus();
  const cores = input.cores ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length);
  const model = cpuModel(cpus);
  const gpus = input.gpus?.gpus ?? [];
  const parts = [`${model}, ${cores} ${cores === 1 ? 'core' : 'cores'}`];
  if (input.gpus !== undefined) {
    if (gpus.length === 0) parts.push('no GPU');
    else {
      const extras = [input.gpus.driverVersion && `driver ${input.gpus.driverVersion}`, input.gpus.cudaVersion && `CUDA ${input.gpus.cudaVersion}`].filter(Boolean);
      parts.push(`GPU: ${describeGpus(gpus)}${extras.length ? `, ${extras.join(', ')}` : ''}`);
    }
  }
  if (input.engine !== undefined || input.backend !== undefined) {
    const threads = input.threads !== undefined && !(input.backend ?? '').includes('thread') ? ` (${input.threads} ${input.threads === 1 ? 'thread' : 'threads'})` : '';
    parts.push(`${[input.engine, input.backend].filter((x) => x !== undefined && x !== '').join(': ')}${threads}`);
  }
  const facts: HardwareFacts = { cpu: { model, cores }, gpus, text: parts.join(' · ') };
  if (input.gpus?.driverVersion !== undefined) facts.driverVersion = input.gpus.driverVersion;
  if (input.gpus?.cudaVersion !== undefined) facts.cudaVersion = input.gpus.cudaVersion;
  if (input.engine !== undefined) facts.engine = input.engine;
  if (input.backend !== undefined) facts.backend = input.backend;
  if (input.threads !== undefined) facts.threads = input.threads;
  return facts;
}

/** The CPU's model name, spaces tidied; "unknown CPU" where the OS does not say. */
function cpuModel(cpus: Pick<os.CpuInfo, 'model'>[]): string {
  const names = [...new Set(cpus.map((c) => c.model.replace(/\s+/g, ' ').trim()).filter((m) => m !== '' && m !== 'unknown'))];
  return names.length === 0 ? 'unknown CPU' : names.join(' + ');
}
