// Peak memory while some work runs: process.memoryUsage.rss() sampled on a timer and whenever the work
// calls sample() (after each predict call, so a busy loop that starves the timer is still sampled), plus
// process.resourceUsage().maxRSS, the kernel's high-water mark for the whole process.
//
// MB here means MiB (2^20 bytes), the unit top and ps use. Caveats worth printing with the numbers:
// - RSS is the whole process: the runtime, every model loaded so far, the data. rssDeltaMB (peak minus
//   the RSS when sampling started) is the closest to "what this work added", and it is 0 when the
//   memory was already there (a second model run after a larger first one).
// - maxRssMB is the process's lifetime peak, including anything before the work started.
// - Native backends allocate outside V8 and free lazily, so the numbers are upper bounds, not precise.

import type { MemoryReport } from '../types.js';

export interface SamplerOptions {
  /** Timer period in milliseconds. Default 20. */
  intervalMs?: number;
  /** RSS in bytes. Default process.memoryUsage.rss(). */
  rss?: () => number;
  /** Lifetime peak RSS in bytes. Default process.resourceUsage().maxRSS (KiB) × 1024. */
  maxRss?: () => number;
}

const MIB = 1024 * 1024;

export class MemorySampler {
  private readonly rss: () => number;
  private readonly maxRss: () => number;
  private readonly before: number;
  private peak: number;
  private count = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SamplerOptions = {}) {
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    this.maxRss = options.maxRss ?? (() => process.resourceUsage().maxRSS * 1024);
    this.before = this.rss();
    this.peak = this.before;
    this.count = 1;
    const interval = options.intervalMs ?? 20;
    if (interval > 0) {
      this.timer = setInterval(() => this.sample(), interval);
      this.timer.unref();
    }
  }

  /** Takes one RSS reading now. */
  readonly sample = (): void => {
    const v = this.rss();
    if (v > this.peak) this.peak = v;
    this.count++;
  };

  /** Stops the timer, takes a last reading, and reports. */
  stop(): MemoryReport {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return {
      rssBeforeMB: this.before / MIB,
      rssPeakMB: this.peak / MIB,
      rssDeltaMB: (this.peak - this.before) / MIB,
      maxRssMB: this.maxRss() / MIB,
      samples: this.count,
    };
  }
}

/**
 * Runs work with a memory sampler around it. work receives sample(), to call after each predict (pass it
 * as `onRun` to measureLatency or stressRun). The sampler stops even when work throws.
 */
export async function peakMemory<T>(work: (sample: () => void) => Promise<T>, options: SamplerOptions = {}): Promise<{ value: T; memory: MemoryReport }> {
  const sampler = new MemorySampler(options);
  let memory: MemoryReport | undefined;
  try {
    const value = await work(sampler.sample);
    memory = sampler.stop();
    return { value, memory };
  } finally {
    if (memory === undefined) sampler.stop();
  }
}
