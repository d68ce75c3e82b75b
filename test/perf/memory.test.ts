// Peak memory bookkeeping with injected readings (MiB conversions, peak, delta), and a real reading.

import { MemorySampler, peakMemory } from '../../src/perf/memory.js';

const MIB = 1024 * 1024;

test('peak, delta and maxRSS in MiB from the readings taken', async () => {
  const readings = [100, 180, 150, 120].map((m) => m * MIB);
  let i = 0;
  const { value, memory } = await peakMemory(
    async (sample) => {
      sample(); // 180
      sample(); // 150
      return 'done';
    },
    { intervalMs: 0, rss: () => readings[i++], maxRss: () => 512 * MIB },
  );
  expect(value).toBe('done');
  expect(i).toBe(4); // start, two samples, the last reading at stop
  expect(memory).toEqual({ rssBeforeMB: 100, rssPeakMB: 180, rssDeltaMB: 80, maxRssMB: 512, samples: 4 });
});

test('memory released before the end still shows as the peak; a fall below the start gives delta 0', () => {
  const readings = [300, 250, 200].map((m) => m * MIB);
  let i = 0;
  const s = new MemorySampler({ intervalMs: 0, rss: () => readings[i++], maxRss: () => 300 * MIB });
  s.sample();
  const m = s.stop();
  expect(m.rssPeakMB).toBe(300);
  expect(m.rssDeltaMB).toBe(0);
});

test('the sampler stops when the work throws', async () => {
  let reads = 0;
  await expect(
    peakMemory(
      async () => {
        throw new Error('predict failed');
      },
      { intervalMs: 1, rss: () => (reads++, MIB), maxRss: () => MIB },
    ),
  ).rejects.toThrow('predict failed');
  const after = reads;
  await new Promise((r) => setTimeout(r, 20));
  expect(reads).toBe(after);
});

test('real readings: positive, the peak at least the start', () => {
  const s = new MemorySampler();
  const junk = Array.from({ length: 1000 }, (_, i) => new Float64Array(100).fill(i));
  s.sample();
  const m = s.stop();
  expect(junk).toHaveLength(1000);
  expect(m.rssBeforeMB).toBeGreaterThan(1);
  expect(m.rssPeakMB).toBeGreaterThanOrEqual(m.rssBeforeMB);
  expect(m.maxRssMB).toBeGreaterThan(1);
});
