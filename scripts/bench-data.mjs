// The benchmark's data, written as users write it: every double through pandasRepr (pandas'
// to_csv defaults, 17 significant digits where the double needs them), or rounded to 4 decimals
// for the short-number rows. Seeded, so every run measures the same files.
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pandasRepr } from './bench-pandas-repr.mjs';

/** A fixed LCG, 53-bit doubles in [0, 1) from two of its steps. */
export function rand53(seed) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return () => ((next() >>> 6) * 2 ** 27 + (next() >>> 5)) / 2 ** 53;
}

/** How a cell is written: 'repr' (pandas defaults) or a number of decimals. */
export const cellWriter = (digits) => (digits === 'repr' ? pandasRepr : (x) => x.toFixed(digits));

/**
 * Writes `n` lines from `line(i)` under `header`, 64k lines per write so 10M rows never sit in
 * memory as one string. Written to a temporary name and renamed, so a killed run leaves no half file
 * that a later `--work` run would take as done.
 */
export function writeLines(file, header, n, line) {
  const part = `${file}.part`;
  const fd = openSync(part, 'w');
  let chunk = [header];
  for (let i = 0; i < n; i++) {
    chunk.push(line(i));
    if (chunk.length === 65536) {
      writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
  closeSync(fd);
  renameSync(part, file);
}

/**
 * The binary case of issue 14: id,x,y evaluation data, a candidate and a baseline (id,score), with
 * 30 % positives and scores that separate the classes a little.
 */
export function binaryArrays(n, seed = 7) {
  const rand = rand53(seed);
  const y = new Uint8Array(n);
  const x = new Float64Array(n);
  const cand = new Float64Array(n);
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rand() < 0.3 ? 1 : 0;
    x[i] = rand();
    cand[i] = Math.min(1, Math.max(0, 0.3 * y[i] + 0.7 * rand()));
    base[i] = Math.min(1, Math.max(0, 0.25 * y[i] + 0.75 * rand()));
  }
  return { n, y, x, cand, base };
}

/** data.csv, cand.csv, base.csv in `dir` (kept when already there: `--work` reuses them). */
export function writeBinaryCsv(dir, a, digits = 'repr') {
  const cell = cellWriter(digits);
  const files = { data: path.join(dir, 'data.csv'), cand: path.join(dir, 'cand.csv'), base: path.join(dir, 'base.csv') };
  if (!existsSync(files.data)) writeLines(files.data, 'id,x,y', a.n, (i) => `${i},${cell(a.x[i])},${a.y[i]}`);
  if (!existsSync(files.cand)) writeLines(files.cand, 'id,score', a.n, (i) => `${i},${cell(a.cand[i])}`);
  if (!existsSync(files.base)) writeLines(files.base, 'id,score', a.n, (i) => `${i},${cell(a.base[i])}`);
  return files;
}

/** The same as .npz, with NumPy's default dtypes for what pandas would hold: int64 ids and labels, float64. */
export async function writeBinaryNpz(dir, a, root) {
  const { writeNpz } = await import(path.join(root, 'fixtures', 'npz', 'npz-writer.mjs'));
  const files = { data: path.join(dir, 'data.npz'), cand: path.join(dir, 'cand.npz'), base: path.join(dir, 'base.npz') };
  const id = new BigInt64Array(a.n);
  for (let i = 0; i < a.n; i++) id[i] = BigInt(i);
  const y = BigInt64Array.from(a.y, (v) => BigInt(v));
  const one = (data) => ({ data, shape: [a.n] });
  if (!existsSync(files.data)) writeNpz(files.data, { id: one(id), x: one(a.x), y: one(y) });
  if (!existsSync(files.cand)) writeNpz(files.cand, { id: one(id), score: one(a.cand) });
  if (!existsSync(files.base)) writeNpz(files.base, { id: one(id), score: one(a.base) });
  return files;
}
