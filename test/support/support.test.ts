// The shared test helpers: their sequences are pinned, because tests' expectations rest on them.

import { expectClose } from './close.js';
import { lcg, normal, rng } from './rng.js';

test('rng is mulberry32: the same first numbers for a seed on every machine', () => {
  const r = rng(1);
  expect([r(), r(), r()].map((v) => Math.round(v * 2 ** 32))).toEqual([2693262067, 11749833, 2265367787]);
  const a = rng(42);
  const b = rng(42);
  for (let i = 0; i < 1000; i++) {
    const v = a();
    expect(v).toBe(b());
    expect(v >= 0 && v < 1).toBe(true);
  }
});

test('lcg is Numerical Recipes\' generator, mapped into (0, 1)', () => {
  const r = lcg(0);
  expect(r()).toBe((1013904223 + 0.5) / 2 ** 32);
  expect(r()).toBe(((Math.imul(1013904223, 1664525) + 1013904223) >>> 0) / 2 ** 32 + 0.5 / 2 ** 32);
});

test('normal deviates have mean 0 and variance 1', () => {
  const r = rng(7);
  const z = Array.from({ length: 20000 }, () => normal(r));
  const mean = z.reduce((s, v) => s + v, 0) / z.length;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
  expect(Math.abs(mean)).toBeLessThan(0.03);
  expect(Math.abs(variance - 1)).toBeLessThan(0.05);
});

test('expectClose: relative above 1, absolute below, NaN only for null or NaN', () => {
  expect(() => expectClose(1000.0000001, 1000, 1e-9)).not.toThrow();
  expect(() => expectClose(1000.01, 1000, 1e-9, 'big')).toThrow('big: expected 1000, got 1000.01');
  expect(() => expectClose(1e-10, 0, 1e-9)).not.toThrow();
  expect(() => expectClose(2e-9, 0, 1e-9)).toThrow();
  expect(() => expectClose(NaN, null)).not.toThrow();
  expect(() => expectClose(NaN, NaN)).not.toThrow();
  expect(() => expectClose(0, null, 1e-9, 'ece')).toThrow('ece: expected NaN, got 0');
  expect(() => expectClose(NaN, 0)).toThrow();
  expect(() => expectClose(Infinity, 1)).toThrow();
});
