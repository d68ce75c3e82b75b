// NVIDIA GPUs on this machine, from nvidia-smi. Parsing is pure (tested on recorded outputs);
// running nvidia-smi is injected, so nothing here needs a GPU to be tested.

import { execFile } from 'node:child_process';

export interface Gpu {
  /** Position in nvidia-smi's list (the CUDA device index unless CUDA_VISIBLE_DEVICES reorders). */
  index: number;
  name: string;
  /** Total memory in MiB; undefined where nvidia-smi says [N/A]. */
  memoryMiB?: number;
  driverVersion?: string;
}

export interface GpuReport {
  gpus: Gpu[];
  driverVersion?: string;
  /** Highest CUDA version the driver supports ("12.2"), from nvidia-smi's header. */
  cudaVersion?: string;
  /** Why no GPU is listed (nvidia-smi missing, or the driver not answering), when none is. */
  note?: string;
}

/** Runs a program without a shell; rejects like execFile (err.code 'ENOENT' when it is not installed). */
export type RunCommand = (file: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

export const NVIDIA_SMI_QUERY = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'];

const runWithExecFile: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 15_000, maxBuffer: 1 << 20, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout: String(stdout), stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });

/**
 * Lists NVIDIA GPUs: `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`
 * for the devices and plain `nvidia-smi` for the CUDA version. Never throws: no GPU gives
 * `{ gpus: [], note }`, saying why.
 */
export async function detectGpus(run: RunCommand = runWithExecFile): Promise<GpuReport> {
  let csv: string;
  try {
    csv = (await run('nvidia-smi', NVIDIA_SMI_QUERY)).stdout;
  } catch (e) {
    return { gpus: [], note: nvidiaSmiFailure(e) };
  }
  const gpus = parseNvidiaSmiCsv(csv);
  if (gpus.length === 0) {
    const said = firstLine(csv);
    return { gpus: [], note: said ? `nvidia-smi lists no GPU (${said})` : 'nvidia-smi lists no GPU' };
  }
  let cudaVersion: string | undefined;
  try {
    cudaVersion = parseCudaVersion((await run('nvidia-smi', [])).stdout);
  } catch {
    // the table is only for the CUDA version; the GPUs are known already
  }
  const report: GpuReport = { gpus, driverVersion: gpus[0].driverVersion };
  if (cudaVersion !== undefined) report.cudaVersion = cudaVersion;
  return report;
}

let cached: Promise<GpuReport> | undefined;

/** detectGpus() once per process: every model of a run asks, nvidia-smi answers once. */
export function detectGpusOnce(): Promise<GpuReport> {
  cached ??= detectGpus();
  return cached;
}

/** One GPU per line of `--format=csv,noheader,nounits` output: `name, memory.total, driver_version`. */
export function parseNvidiaSmiCsv(text: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    // A failure message ("NVIDIA-SMI has failed ...", "No devices were found") is not a CSV row.
    if (cells.length < 3) continue;
    const [driver, memory] = [cells[cells.length - 1], cells[cells.length - 2]];
    // A name containing a comma would split into more cells: the last two are always memory and driver.
    const name = cells.slice(0, cells.length - 2).join(', ');
    const mib = Number(memory);
    if (name === '' || (!/^\d/.test(driver) && !isNotAvailable(driver))) continue;
    gpus.push({
      index: gpus.length,
      name,
      memoryMiB: memory !== '' && Number.isFinite(mib) ? mib : undefined,
      driverVersion: isNotAvailable(driver) ? undefined : driver,
    });
  }
  return gpus;
}

/** "CUDA Version: 12.2" in plain nvidia-smi's header; undefined when absent or "N/A". */
export function parseCudaVersion(text: string): string | undefined {
  return /CUDA Version\s*:\s*(\d+(?:\.\d+)*)/i.exec(text)?.[1];
}

function isNotAvailable(cell: string): boolean {
  return /^\[?(N\/A|Not Supported|Insufficient Permissions|Unknown Error)\]?$/i.test(cell);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}

/** Why nvidia-smi gave no list: not installed, or installed but the driver does not answer. */
export function nvidiaSmiFailure(e: unknown): string {
  const err = e as { code?: unknown; stdout?: unknown; stderr?: unknown; message?: unknown; killed?: boolean; signal?: unknown };
  const said0 = `${typeof err?.stdout === 'string' ? err.stdout : ''}\n${typeof err?.stderr === 'string' ? err.stderr : ''}`;
  // ENOENT from execFile; exit 127 and "command not found" where a shell ran it.
  if (err?.code === 'ENOENT' || err?.code === 127 || /command not found|not recognized as an internal/i.test(said0)) {
    return 'nvidia-smi not found (no NVIDIA driver on this machine)';
  }
  if (err?.killed || err?.signal === 'SIGTERM') return 'nvidia-smi did not answer within 15 s';
  const said = firstLine(said0);
  const code = typeof err?.code === 'number' ? ` (exit code ${err.code})` : '';
  if (said !== '') return `nvidia-smi failed${code}: ${said}`;
  return `nvidia-smi failed${code}${typeof err?.message === 'string' ? `: ${err.message}` : ''}`;
}

/** "NVIDIA H100 80GB HBM3 (79.6 GiB)", "2 × Tesla T4 (15.0 GiB)", "NVIDIA A10G + Tesla T4". */
export function describeGpus(gpus: Gpu[]): string {
  const groups = new Map<string, number>();
  for (const g of gpus) {
    const key = g.memoryMiB === undefined ? g.name : `${g.name} (${(g.memoryMiB / 1024).toFixed(1)} GiB)`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => (n === 1 ? k : `${n} × ${k}`)).join(' + ');
}
