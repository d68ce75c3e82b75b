// Hardware detection: NVIDIA GPUs (nvidia-smi), the device setting, and the one-line hardware summary.

export { detectGpus, detectGpusOnce, parseNvidiaSmiCsv, parseCudaVersion, describeGpus, nvidiaSmiFailure, NVIDIA_SMI_QUERY } from './gpus.js';
export type { Gpu, GpuReport, RunCommand } from './gpus.js';
export { planDevice, startOnDevice, parseDeviceSetting, DEVICE_SETTINGS } from './device.js';
export type { DeviceSetting, Device, DevicePlan, CudaSupport, Started } from './device.js';
export { hardwareLine } from './line.js';
export type { HardwareFacts, HardwareLineInput } from './line.js';
