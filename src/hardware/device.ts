// The `device` setting: auto | cpu | gpu. Pure planning (which device to start on, and whether a failed
// GPU start may fall back to CPU) plus one helper that carries the plan out with an engine's start function.

import { ModelError, InputError, messageOf } from '../errors.js';
import { describeGpus, type GpuReport } from './gpus.js';

export type DeviceSetting = 'auto' | 'cpu' | 'gpu';
export type Device = 'cpu' | 'cuda';

export const DEVICE_SETTINGS: readonly DeviceSetting[] = ['auto', 'cpu', 'gpu'];

/** Whether an engine can run on CUDA here (e.g. onnxruntime-node with its CUDA provider), and if not why. */
export interface CudaSupport {
  available: boolean;
  /** Shown to the user when a GPU is present but cannot be used: "onnxruntime-node is not installed". */
  why?: string;
}

export interface DevicePlan {
  setting: DeviceSetting;
  /** The device to start on first. */
  device: Device;
  /** true when a failed start on the GPU may be retried on the CPU (device: auto). */
  fallback: boolean;
  /** The GPUs seen, in words, for messages ("NVIDIA A10G (22.5 GiB)"); empty when none. */
  gpus: string;
  /** Said when auto runs on the CPU although a GPU is there. */
  note?: string;
}

export function parseDeviceSetting(value: unknown, where = 'device'): DeviceSetting {
  if (value === undefined || value === null || value === '') return 'auto';
  const v = String(value).trim().toLowerCase();
  if (v === 'cuda') return 'gpu';
  if ((DEVICE_SETTINGS as readonly string[]).includes(v)) return v as DeviceSetting;
  throw new InputError(`${where}: "${String(value)}" is not a device; use auto, cpu or gpu.`);
}

/**
 * auto: CUDA when a GPU is detected and the engine can use it, else CPU (with a note when a GPU was there);
 * cpu: CPU; gpu: CUDA or a ModelError saying what is missing.
 */
export function planDevice(setting: DeviceSetting, report: GpuReport, cuda: CudaSupport, model: string): DevicePlan {
  const gpus = describeGpus(report.gpus);
  if (setting === 'cpu') return { setting, device: 'cpu', fallback: false, gpus };
  const hasGpu = report.gpus.length > 0;
  if (setting === 'gpu') {
    if (!hasGpu) {
      throw new ModelError(`model ${model}: device is gpu, but no NVIDIA GPU was found (${report.note ?? 'nvidia-smi lists none'}). Run on a GPU runner, or set device: auto.`);
    }
    if (!cuda.available) {
      throw new ModelError(`model ${model}: device is gpu and ${gpus} is there, but ${cuda.why ?? 'this engine cannot use CUDA here'}.`);
    }
    return { setting, device: 'cuda', fallback: false, gpus };
  }
  if (!hasGpu) return { setting, device: 'cpu', fallback: false, gpus };
  if (!cuda.available) {
    return { setting, device: 'cpu', fallback: false, gpus, note: `${gpus} found, but ran on the CPU: ${cuda.why ?? 'this engine cannot use CUDA here'}.` };
  }
  return { setting, device: 'cuda', fallback: true, gpus };
}

export interface Started<T> {
  value: T;
  device: Device;
  /** Why the run is not where `auto` would have put it (a GPU seen but not used). */
  note?: string;
}

/** Starts on the planned device; with device auto, a GPU that fails to start falls back to the CPU, with a note. */
export async function startOnDevice<T>(plan: DevicePlan, start: (device: Device) => Promise<T>, model: string): Promise<Started<T>> {
  if (plan.device === 'cpu') return plan.note === undefined ? { value: await start('cpu'), device: 'cpu' } : { value: await start('cpu'), device: 'cpu', note: plan.note };
  try {
    return { value: await start('cuda'), device: 'cuda' };
  } catch (e) {
    if (!plan.fallback) {
      throw new ModelError(`model ${model}: device is gpu, but the CUDA execution provider did not start on ${plan.gpus} (${firstLine(messageOf(e))}).`);
    }
    const value = await start('cpu');
    return { value, device: 'cpu', note: `${plan.gpus} found, but the GPU did not start (${firstLine(messageOf(e))}); ran on the CPU instead.` };
  }
}

function firstLine(s: string): string {
  const line = s.split(/\r?\n/).find((l) => l.trim() !== '') ?? s;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line.trim();
}
