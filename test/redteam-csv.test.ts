import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile } from '../src/data/csv-fast.js';
import { scanCsvNumbers } from '../src/data/csv-numbers.js';
import { parseDataset } from '../src/data/read.js';
import type { Column, Dataset } from '../src/types.js';
import { rng } from './support/rng.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'rt-')); });
async function chunked(text: string, o: { chunkBytes: number; threads: number; delimiter?: string; keepColumn?: (n: string) => boolean }): Promise<Dataset | undefined> {
  const path = join(dir, 'f.csv');
  await writeFile(path, text);
  const h = await open(path, 'r');
  try { return await readCsvFile(h, path, { delimiter: o.delimiter ?? ',', ...o }); } finally { await h.close(); }
}
function plain(column: Column): unknown {
  if (column.kind === 'categorical') return { name: column.name, kind: column.kind, missing: column.missing, values: column.values };
  return { name: column.name, kind: column.kind, missing: column.missing, values: Array.from(column.values, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v)), raw: column.raw };
}
function diff(fast: Dataset, general: Dataset): string | undefined {
  if (fast.rowCount !== general.rowCount) return `rows ${fast.rowCount} vs ${general.rowCount}`;
  const a = JSON.stringify(Array.from(fast.recordLines)), b = JSON.stringify(Array.from(general.recordLines));
  if (a !== b) return `lines ${a.slice(0, 300)} vs ${b.slice(0, 300)}`;
  const c = JSON.stringify(fast.columns.map(plain)), d = JSON.stringify(general.columns.map(plain));
  if (c !== d) return `columns ${c.slice(0, 400)} vs ${d.slice(0, 400)}`;
  return undefined;
}
test('fuzz quirky line breaks', async () => {
  const rand = rng(99);
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
  const bad: string[] = [];
  for (let k = 0; k < 400 && bad.length < 5; k++) {
    const ncols = 1 + Math.floor(rand() * 3);
    const lines: string[] = [Array.from({ length: ncols }, (_, c) => `c${c}`).join(',')];
    const rows = 1 + Math.floor(rand() * 30);
    const textual = Array.from({ length: ncols }, () => rand() < 0.3);
    for (let r = 0; r < rows; r++) {
      lines.push(Array.from({ length: ncols }, (_, c) => (textual[c] && rand() < 0.15 ? pick(['x', '', 'NA', ' 2 ', '"q"', 'inf', '-Infinity', '1e', '.5', '5.', '+.5e-3', '0x10', 'nan']) : pick([String(rand()), String(r), '-0', '1e400', '1E-400', '00012', '.25']))).join(','));
      if (rand() < 0.1) lines.push(pick(['', '', ' ']));
    }
    let text = '';
    for (let i = 0; i < lines.length; i++) text += lines[i] + (i === lines.length - 1 && rand() < 0.3 ? '' : pick(['\n', '\r\n', '\r', '\n', '\r\r\n']));
    if (rand() < 0.2) text = '\ufeff' + text;
    if (rand() < 0.2) text = pick(['\n', '\r\n', '\r']) + text;
    const chunkBytes = 1 + Math.floor(rand() * 60);
    let general: Dataset | undefined; let gerr = '';
    try { general = parseDataset(text, join(dir, 'f.csv')); } catch (e) { gerr = String(e); }
    let fast: Dataset | undefined; let ferr = '';
    const keepMask = Array.from({ length: ncols }, () => rand() < 0.7); const threads = rand() < 0.2 ? 2 : 0;
    try { fast = await chunked(text, { chunkBytes, threads, keepColumn: (n) => keepMask[Number(n.slice(1))] }); } catch (e) { ferr = String(e); }
    if (fast === undefined) { if (ferr && ferr !== gerr) bad.push(`${k} ${JSON.stringify(text)} fast err ${ferr} vs ${gerr}`); continue; }
    if (general === undefined) { bad.push(`${k} ${JSON.stringify(text)} fast ok, general ${gerr}`); continue; }
    general = { ...general, columns: general.columns.filter((c) => keepMask[Number(c.name.slice(1))]) } as Dataset;
    const d = diff(fast, general);
    if (d) bad.push(`${k} chunk=${chunkBytes} ${JSON.stringify(text)}: ${d}`);
  }
  expect(bad).toEqual([]);
});
test('numbers', () => {
  const cells: string[] = [];
  // exact halfway cases with <=19 digits
  for (let j = 0; j < 2000; j++) {
    const m = 2n ** 53n + BigInt(2 * j + 1);
    for (let e = 0; e <= 10; e++) { const v = m << BigInt(e); cells.push(v.toString()); cells.push(v.toString() + '.000'); cells.push('0.' + v.toString() + 'e' + v.toString().length); }
    for (let e = 1; e <= 4; e++) { const v = m * 5n ** BigInt(e); const s = v.toString(); cells.push(s.slice(0, s.length - e) + '.' + s.slice(s.length - e)); }
  }
  cells.push('2.4703282292062327e-324', '2.4703282292062328e-324', '4.9406564584124654e-324', '2.2250738585072011e-308', '2.2250738585072012e-308', '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '9007199254740993', '18446744073709551615', '9999999999999999999', '0.1e-342', '1e-343', '10e-344', '1000000000000000000e-361', '9.9999999999999999999e-325');
  for (let q = -350; q <= 310; q++) for (const d of ['1', '9999999999999999999', '1234567890123456789', '4503599627370497', '7']) cells.push(`${d}e${q}`);
  const bytes = Buffer.from(cells.join('\n') + '\n', 'latin1');
  const res = scanCsvNumbers(bytes, 0, bytes.length, 1, 44, new Uint8Array(1), 2);
  const bad: string[] = [];
  for (let k = 0; k < cells.length && bad.length < 10; k++) if (!Object.is(res.values[0][k], Number(cells[k]))) bad.push(`${cells[k]}: ${res.values[0][k]} vs ${Number(cells[k])}`);
  expect(bad).toEqual([]);
});
