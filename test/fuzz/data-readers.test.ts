// Fuzz: readDataset (CSV, TSV, JSON Lines, .npz) on mutated real files, generated files and random bytes.
// Every case must end in a Dataset that keeps the reader's invariants, or in a DataError/InputError whose
// message is short and starts no log line with `::`, within the time bound. For CSV the fast reader
// (the one readDataset takes) must also agree with the general parser (parseDataset) cell by cell.

import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDataset, readDataset, type ReadOptions } from '../../src/data/read.js';
import type { Column, Dataset } from '../../src/types.js';
import { FUZZ_SEED, type Random, caseCount, concat, failureReport, letters, mutate, runSuite, textToken, utf8 } from './fuzz.js';
import { npyHeaderText, npzBytes, type Member } from './npz-build.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-fuzz-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface DataCase {
  file: string;
  bytes: Uint8Array;
  options: ReadOptions;
  what: string;
}

const CSV_SEEDS = [
  fx('penguins-sex', 'eval.csv'),
  fx('penguins-species', 'eval.csv'),
  fx('penguins-traits', 'eval.csv'),
  fx('penguins-sex', 'baseline-predictions.csv'),
  fx('cars-mpg', 'eval.csv'),
  fx('cars-ranking', 'candidate-scores.csv'),
  fx('drift', 'seattle-2012.csv'),
  path.join(root, 'test', 'data', 'fixtures', 'pandas_tricky.csv'),
];
const JSONL_SEEDS = [fx('penguins-species', 'baseline-predictions.jsonl')];
const NPZ_SEEDS = readdirSync(fx('npz')).filter((f) => f.endsWith('.npz')).map((f) => fx('npz', f));

/** The seed files' text, read once. */
const seedText = new Map<string, Uint8Array>();
function seedBytes(file: string, rng: Random, whole = false): Uint8Array {
  if (!seedText.has(file)) seedText.set(file, readFileSync(file));
  const all = seedText.get(file)!;
  if (whole || rng.chance(0.2)) return all;
  // Most cases take the header and a few records: small inputs, many cases.
  let lines = 2 + rng.small(30);
  let end = 0;
  while (end < all.length && lines > 0) if (all[end++] === 10) lines--;
  return all.subarray(0, end);
}

/** A cell as a writer might put it: a number in one of its spellings, a missing token, or text. */
function cell(rng: Random): string {
  const r = rng.next();
  if (r < 0.35) return String(rng.chance(0.5) ? rng.int(1000) - 500 : (rng.next() - 0.5) * 10 ** rng.int(30));
  if (r < 0.45) return (rng.next() * 100).toPrecision(17);
  if (r < 0.55) return rng.pick(['', 'NA', 'nan', 'NaN', 'null', ' 1.5 ', '1e5', '-0.0', '+3', '1E-7']);
  if (r < 0.7) return rng.pick(['cat', 'dog', 'Adelie', 'yes', 'no', 'MALE']);
  return textToken(rng);
}

/** A CSV field written as a writer would (quoted when it must be), or, now and then, as it must not be. */
function field(text: string, delimiter: string, rng: Random): string {
  const needs = text.includes(delimiter) || /["\r\n]/.test(text) || text.startsWith(' ');
  if ((needs && rng.chance(0.9)) || rng.chance(0.05)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

function syntheticCsv(rng: Random, delimiter: string, numbersOnly: boolean): Uint8Array {
  const ncols = 1 + rng.small(8);
  const header = Array.from({ length: ncols }, (_, c) => (rng.chance(0.7) ? `c${c}` : textToken(rng)));
  const rows = 1 + rng.small(40);
  const eol = rng.pick(['\n', '\r\n', '\n', '\r']);
  const lines = [header.map((h) => field(h, delimiter, rng)).join(delimiter)];
  for (let r = 0; r < rows; r++) {
    const width = rng.chance(0.05) ? rng.small(ncols + 2) : ncols;
    const cells = Array.from({ length: width }, () => (numbersOnly && rng.chance(0.95) ? String((rng.next() - 0.5) * 10 ** rng.int(12)) : cell(rng)));
    lines.push(cells.map((c) => field(c, delimiter, rng)).join(delimiter));
  }
  return utf8((rng.chance(0.1) ? '\ufeff' : '') + lines.join(eol) + (rng.chance(0.8) ? eol : ''));
}

function readOptions(rng: Random, names: string[]): ReadOptions {
  const options: ReadOptions = {};
  if (rng.chance(0.2)) options.categorical = [rng.chance(0.7) && names.length > 0 ? rng.pick(names) : textToken(rng)];
  if (rng.chance(0.3)) options.rowMajor = { exclude: names.length > 0 && rng.chance(0.5) ? [rng.pick(names)] : [] };
  return options;
}

/** Column names in the first line, roughly (for options that name columns). */
function roughNames(bytes: Uint8Array, delimiter: string): string[] {
  const first = Buffer.from(bytes.subarray(0, 2000)).toString('utf8').split(/\r?\n/)[0] ?? '';
  return first.split(delimiter).filter((n) => n !== '');
}

let caseFile = 0;
async function writeCase(ext: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, `case-${caseFile++ % 8}${ext}`);
  await writeFile(file, bytes);
  return file;
}

/** Reads every lazy part of a dataset, so that a failure in a getter shows up as the case's outcome. */
function touch(d: Dataset): Dataset {
  for (const c of d.columns) {
    void c.values;
    void c.missing;
    if (c.kind === 'numeric') void c.raw;
  }
  return d;
}

/** What breaks the reader's promises about a Dataset (types.ts), or undefined. */
function datasetProblem(d: Dataset, textFormat: boolean, options: ReadOptions): string | undefined {
  if (!Number.isSafeInteger(d.rowCount) || d.rowCount < 1) return `rowCount is ${d.rowCount}`;
  const names = d.columns.map((c) => c.name);
  if (new Set(names).size !== names.length) return 'two columns share a name';
  if (textFormat) {
    if (d.recordLines.length !== d.rowCount) return `${d.recordLines.length} record lines for ${d.rowCount} rows`;
    for (let r = 0; r < d.rowCount; r++) {
      if (d.recordLines[r]! < 1 || (r > 0 && d.recordLines[r]! <= d.recordLines[r - 1]!)) return `record lines are not increasing at row ${r}`;
    }
  }
  for (const c of d.columns) {
    if (typeof c.name !== 'string') return 'a column name is not a string';
    if (c.values.length !== d.rowCount) return `column ${JSON.stringify(c.name.slice(0, 40))} has ${c.values.length} values for ${d.rowCount} rows`;
    let missing = 0;
    if (c.kind === 'numeric') {
      if (c.raw.length !== d.rowCount) return `column ${JSON.stringify(c.name.slice(0, 40))} has ${c.raw.length} raw cells`;
      for (let r = 0; r < d.rowCount; r++) {
        const v = c.values[r]!;
        if (typeof v !== 'number') return `column ${JSON.stringify(c.name.slice(0, 40))} holds a ${typeof v} at row ${r}`;
        if (v !== v) missing++;
        if ((v !== v) !== (c.raw[r] === null)) return `column ${JSON.stringify(c.name.slice(0, 40))}: raw and value disagree about row ${r} being missing`;
      }
    } else {
      for (const v of c.values) {
        if (v === null) missing++;
        else if (typeof v !== 'string') return `a categorical cell is ${typeof v}`;
      }
    }
    if (missing !== c.missing) return `column ${JSON.stringify(c.name.slice(0, 40))} counts ${c.missing} missing cells, holds ${missing}`;
  }
  if (options.rowMajor !== undefined && d.rowMajor !== undefined && d.rowMajor.data.length !== d.rowCount * d.rowMajor.columns.length) {
    return `the row-major matrix holds ${d.rowMajor.data.length} values for ${d.rowCount} × ${d.rowMajor.columns.length}`;
  }
  return undefined;
}

function sameColumn(a: Column, b: Column, rows: number): string | undefined {
  if (a.name !== b.name) return `names ${JSON.stringify(a.name.slice(0, 40))} and ${JSON.stringify(b.name.slice(0, 40))}`;
  const what = JSON.stringify(a.name.slice(0, 40));
  if (a.kind !== b.kind) return `column ${what} is ${a.kind} by the fast reader, ${b.kind} by the general parser`;
  if (a.missing !== b.missing) return `column ${what}: ${a.missing} missing against ${b.missing}`;
  for (let r = 0; r < rows; r++) {
    if (!Object.is(a.values[r], b.values[r])) return `column ${what}, row ${r}: ${JSON.stringify(String(a.values[r]).slice(0, 40))} against ${JSON.stringify(String(b.values[r]).slice(0, 40))}`;
    if (a.kind === 'numeric' && b.kind === 'numeric' && a.raw[r] !== b.raw[r]) return `column ${what}, row ${r}: raw ${JSON.stringify(a.raw[r])} against ${JSON.stringify(b.raw[r])}`;
  }
  return undefined;
}

describe('fuzz: readDataset', () => {
  test('CSV and TSV: mutated fixtures, generated files and random bytes', async () => {
    const tally = await runSuite<DataCase>({
      name: 'csv',
      seed: FUZZ_SEED ^ 0xc5c5,
      cases: caseCount(3000),
      make(rng) {
        const ext = rng.pick(['.csv', '.csv', '.csv', '.tsv', '.txt']);
        const delimiter = ext === '.tsv' ? '\t' : ',';
        const applied: string[] = [];
        let bytes: Uint8Array;
        let what: string;
        const r = rng.next();
        if (r < 0.45) {
          const seed = rng.pick(CSV_SEEDS);
          let base = seedBytes(seed, rng);
          if (delimiter === '\t') base = utf8(Buffer.from(base).toString('utf8').replace(/,/g, '\t'));
          bytes = mutate(rng, base, applied);
          what = `${path.basename(seed)} + ${applied.join(', ')}`;
        } else if (r < 0.9) {
          const numbersOnly = rng.chance(0.4);
          bytes = syntheticCsv(rng, delimiter, numbersOnly);
          if (rng.chance(0.4)) bytes = mutate(rng, bytes, applied, 2);
          what = `generated ${numbersOnly ? 'numbers ' : ''}CSV${applied.length ? ' + ' + applied.join(', ') : ''}`;
        } else {
          bytes = rng.bytes(rng.small(3000));
          what = 'random bytes';
        }
        return { file: ext, bytes, options: readOptions(rng, roughNames(bytes, delimiter)), what: `${what} as ${ext}` };
      },
      async run(c) {
        c.file = await writeCase(c.file, c.bytes);
        return touch(await readDataset(c.file, c.options));
      },
      validate(value, c) {
        const d = value as Dataset;
        const problem = datasetProblem(d, true, c.options);
        if (problem !== undefined) return problem;
        // The general parser on the same text must agree with what readDataset returned (the fast reader, mostly).
        const general = parseDataset(Buffer.from(c.bytes).toString('utf8'), c.file, c.options);
        if (general.rowCount !== d.rowCount || general.columns.length !== d.columns.length) {
          return `the general parser reads ${general.rowCount} × ${general.columns.length}, readDataset ${d.rowCount} × ${d.columns.length}`;
        }
        for (let k = 0; k < d.columns.length; k++) {
          const differs = sameColumn(d.columns[k]!, general.columns[k]!, d.rowCount);
          if (differs !== undefined) return `readDataset and the general parser differ: ${differs}`;
        }
        if (!general.recordLines.every((l, r) => l === d.recordLines[r])) return 'readDataset and the general parser give different record lines';
        return undefined;
      },
      describe: (c) => c.what,
    });
    expect(failureReport('csv', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(3000));
    // The cases reach both ends: some files are read, many are refused with a named error.
    expect(tally.values).toBeGreaterThan(tally.cases * 0.1);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.1);
  });

  test('JSON Lines: mutated fixtures, generated records and random bytes', async () => {
    const tally = await runSuite<DataCase>({
      name: 'jsonl',
      seed: FUZZ_SEED ^ 0x150e,
      cases: caseCount(2500),
      make(rng) {
        const ext = rng.pick(['.jsonl', '.ndjson', '.json-lines']);
        const applied: string[] = [];
        let bytes: Uint8Array;
        let what: string;
        const r = rng.next();
        if (r < 0.4) {
          const seed = rng.pick(JSONL_SEEDS);
          bytes = mutate(rng, seedBytes(seed, rng), applied);
          what = `${path.basename(seed)} + ${applied.join(', ')}`;
        } else if (r < 0.9) {
          bytes = syntheticJsonl(rng);
          if (rng.chance(0.4)) bytes = mutate(rng, bytes, applied, 2);
          what = `generated JSON Lines${applied.length ? ' + ' + applied.join(', ') : ''}`;
        } else {
          bytes = rng.bytes(rng.small(3000));
          what = 'random bytes';
        }
        return { file: ext, bytes, options: readOptions(rng, ['id', 'species', 'p_Adelie']), what: `${what} as ${ext}` };
      },
      async run(c) {
        c.file = await writeCase(c.file, c.bytes);
        return touch(await readDataset(c.file, c.options));
      },
      validate: (value, c) => datasetProblem(value as Dataset, true, c.options),
      describe: (c) => c.what,
    });
    expect(failureReport('jsonl', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(2500));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.1);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.1);
  });

  test('.npz: mutated NumPy archives, generated archives with odd arrays, random bytes', async () => {
    const tally = await runSuite<DataCase>({
      name: 'npz',
      seed: FUZZ_SEED ^ 0x0a2f,
      cases: caseCount(2500),
      make(rng) {
        const applied: string[] = [];
        let bytes: Uint8Array;
        let what: string;
        const r = rng.next();
        if (r < 0.45) {
          const seed = rng.pick(NPZ_SEEDS);
          bytes = mutate(rng, seedBytes(seed, rng, true), applied, 3);
          what = `${path.basename(seed)} + ${applied.join(', ')}`;
        } else if (r < 0.95) {
          const members = syntheticMembers(rng);
          bytes = npzBytes(members);
          if (rng.chance(0.3)) bytes = mutate(rng, bytes, applied, 2);
          what = `generated archive [${members.map((m) => `${JSON.stringify(m.name.slice(0, 30))} ${JSON.stringify(m.header.slice(0, 90))}${m.deflate ? ' deflated' : ''}`).join('; ')}]${applied.length ? ' + ' + applied.join(', ') : ''}`;
        } else {
          bytes = rng.chance(0.5) ? rng.bytes(rng.small(3000)) : concat(rng.bytes(rng.small(100)), Uint8Array.from([0x50, 0x4b, 0x05, 0x06]), rng.bytes(18));
          what = 'random bytes';
        }
        return { file: '.npz', bytes, options: readOptions(rng, ['x', 'y', 'x[0]', 'label']), what };
      },
      async run(c) {
        c.file = await writeCase(c.file, c.bytes);
        return touch(await readDataset(c.file, c.options));
      },
      validate: (value, c) => datasetProblem(value as Dataset, false, c.options),
      describe: (c) => c.what,
    });
    expect(failureReport('npz', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(2500));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.05);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.1);
  });
});

/** A JSON Lines file built from records with odd keys and values, some written as Python's json.dumps would (NaN). */
function syntheticJsonl(rng: Random): Uint8Array {
  const keys = Array.from({ length: 1 + rng.small(6) }, (_, k) => (rng.chance(0.7) ? `k${k}` : textToken(rng)));
  const rows = 1 + rng.small(30);
  const eol = rng.pick(['\n', '\r\n', '\r']);
  const lines: string[] = [];
  // Half the files hold only values a reader must take (strings of any kind, NaN as Python writes it); the rest, anything.
  const hostile = rng.chance(0.5);
  for (let r = 0; r < rows; r++) {
    const parts: string[] = [];
    for (const key of keys) {
      if (rng.chance(0.1)) continue;
      parts.push(`${JSON.stringify(key)}: ${jsonValue(rng, hostile)}`);
    }
    lines.push(rng.chance(0.02) ? `[${parts.length}]` : `{${parts.join(rng.pick([', ', ',']))}}`);
    if (rng.chance(0.05)) lines.push(rng.pick(['', '   ', '\t']));
  }
  return utf8((rng.chance(0.05) ? '\ufeff' : '') + lines.join(eol) + (rng.chance(0.7) ? eol : ''));
}

function jsonValue(rng: Random, hostile: boolean): string {
  const r = rng.next();
  if (r < 0.35) return String((rng.next() - 0.5) * 10 ** rng.int(20));
  if (r < 0.45) return rng.pick(['NaN', 'null', 'true', 'false', '-0', '1e308', '0.1e-400', '"\\ud800"', '"\\u0000"']);
  if (r < 0.55 && hostile) return rng.pick(['Infinity', '-Infinity', '1e400', '-1e400', '[1, 2]', '{"a": 1}', '[]', '{}']);
  if (r < 0.75) return JSON.stringify(rng.pick(['a', 'b', 'Adelie', '1', '', 'NA']));
  return JSON.stringify(textToken(rng));
}

const DESCRS = ['<f4', '<f8', '>f8', '<f2', '<i1', '<i2', '<i4', '<i8', '>i8', '<u1', '|u1', '<u2', '<u4', '<u8', '|b1', '<U1', '<U7', '>U3', '|S5', '<U0', '|S0',
  '|O', '<c16', '<M8[ns]', '<m8[s]', '<V8', '<f16', '<i3', '', 'f8', '<x9', "<f8', 'x': '"];

function syntheticMembers(rng: Random): Member[] {
  // A third of the archives are ones the reader must take (known dtypes, one row count, whole payloads); their keys may still be hostile.
  const clean = rng.chance(0.35);
  const odd = (p: number) => !clean && rng.chance(p);
  const rows = odd(0.1) ? rng.pick([0, 2 ** 31, 2 ** 53, 1e15, 4e9]) : 1 + rng.small(20);
  const keys = new Set<string>();
  return Array.from({ length: 1 + rng.small(4) }, (_, k) => {
    const descr = odd(0.2) ? rng.pick(DESCRS) : rng.pick(DESCRS.slice(0, 19));
    const shape: (number | string)[] = [odd(0.1) ? 1 + rng.small(20) : rows];
    for (let d = rng.chance(0.6) ? 0 : 1 + rng.small(2); d > 0; d--) shape.push(odd(0.1) ? rng.pick([2 ** 31, -1, 0, Infinity, '1L', 'x']) : 1 + rng.small(4));
    if (odd(0.03)) shape.length = 0;
    let header = npyHeaderText(descr, shape, rng.chance(0.2));
    if (odd(0.1)) header = rng.pick([header.replace('True', 'Maybe'), header.replace("'shape'", "'shap'"), header.replace(/\(.*\)/, '[1, 2]'), `{${textToken(rng)}}`, header + textToken(rng)]);
    const size = sizeOf(descr, shape);
    const payload = !odd(0.15) && size <= 1 << 16 ? numericPayload(rng, descr, size, clean) : rng.bytes(rng.small(256));
    let key = rng.chance(0.75) ? rng.pick(['x', 'y', 'label', 'id', `a${k}`]) : rng.chance(0.5) ? textToken(rng) : letters(rng, 300);
    // ZIP names hold at most 65,535 bytes; a clean archive has distinct keys.
    key = key.slice(0, 2000);
    if (clean && keys.has(key)) key += `_${k}`;
    keys.add(key);
    const name = odd(0.05) ? rng.pick([key, `${key}/`, `${key}.npz`, `${key}.NPY`]) : `${key}.npy`;
    return { name, header, payload, version: rng.pick([1, 1, 1, 2, 3]), deflate: rng.chance(0.3), crc: odd(0.03) ? rng.int(2 ** 32) : undefined };
  });
}

/** Bytes a shape of this dtype needs, or Infinity when that cannot be said. */
function sizeOf(descr: string, shape: (number | string)[]): number {
  const m = /^[<>|=]?[a-zA-Z](\d+)$/.exec(descr);
  const item = m === null ? 8 : Number(m[1]) * (descr.includes('U') ? 4 : 1);
  return shape.reduce<number>((n, d) => (typeof d === 'number' ? n * d : Infinity), item);
}

/** A payload of the right size: numbers in their spelling, with NaN, infinities and edges among them; text as valid or broken UTF-32. */
function numericPayload(rng: Random, descr: string, size: number, whole: boolean): Uint8Array {
  const out = rng.bytes(Math.max(0, size));
  if (descr.endsWith('f8') && size % 8 === 0) {
    const v = new DataView(out.buffer);
    for (let i = 0; i < size; i += 8) v.setFloat64(i, rng.pick([NaN, Infinity, -Infinity, 0, -0, 1.5, 1e308, 5e-324, (rng.next() - 0.5) * 100]), descr[0] !== '>');
  }
  if (descr.includes('U') && (whole || rng.chance(0.7))) {
    const v = new DataView(out.buffer);
    for (let i = 0; i + 4 <= size; i += 4) v.setUint32(i, rng.pick([0, 0x41, 0x0a, 0x3a, 0xe9, 0x1f600, 0xd800]), descr[0] !== '>');
  }
  if (!whole && rng.chance(0.1)) return out.subarray(0, rng.int(out.length + 1));
  return out;
}
