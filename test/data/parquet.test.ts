// The Parquet reader (data/parquet.ts) on files written by pyarrow (fixtures/parquet/make.py): every
// type against the values Python wrote down, the same Dataset as the CSV pandas wrote from the same
// frame, every codec pyarrow writes, column selection, the float32 matrix, and each refusal's message.

import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../src/errors.js';
import { parseDataset, readDataset, type ReadOptions } from '../../src/data/read.js';
import { idKey, rowWords } from '../../src/data/ids.js';
import type { Column, Dataset } from '../../src/types.js';
import { rng } from '../support/rng.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', 'parquet', ...p);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'model-gate-parquet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A column as plain values: numbers (NaN as null, ±Infinity as text, as JSON has none), or text. */
function plain(c: Column): unknown[] {
  if (c.kind === 'categorical') return [...c.values];
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : Number.isFinite(v) ? v : String(v)));
}

/** Two datasets hold the same columns: names, kinds, values (bit for bit), missing counts, rows. */
function expectSameDataset(got: Dataset, want: Dataset, rows = want.rowCount): void {
  expect(got.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(want.columns.map((c) => `${c.name}:${c.kind}`));
  expect(got.rowCount).toBe(rows);
  for (const [k, w] of want.columns.entries()) {
    const g = got.columns[k]!;
    const wantValues = plain(w).slice(0, rows);
    expect({ name: g.name, values: plain(g) }).toEqual({ name: w.name, values: wantValues });
    expect(g.missing).toBe(wantValues.filter((v) => v === null).length);
  }
}

describe('types (pyarrow → values written by Python in types.expected.json)', () => {
  const expected = JSON.parse(readFileSync(fx('types.expected.json'), 'utf8')) as {
    rows: number;
    numeric: Record<string, (number | string | null)[]>;
    float32: (number | string | null)[];
    big_id_raw: string[];
    uint64_raw: string[];
    categorical: Record<string, (string | null)[]>;
  };
  let d: Dataset;
  beforeAll(async () => {
    d = await readDataset(fx('types.parquet'));
  });
  const col = (name: string) => d.columns.find((c) => c.name === name)!;

  test('integers, floats, decimals, float16, numbers as text, an all-null column: numeric, nulls missing', () => {
    expect(d.rowCount).toBe(expected.rows);
    for (const [name, values] of Object.entries(expected.numeric)) {
      expect({ name, kind: col(name).kind, values: plain(col(name)) }).toEqual({ name, kind: 'numeric', values });
      expect(col(name).missing).toBe(values.filter((v) => v === null).length);
    }
  });

  test('float32: the binary32 value widened exactly; ±inf is a number, not missing', () => {
    expect(plain(col('float32'))).toEqual(expected.float32);
    expect(col('float32').missing).toBe(1);
  });

  test('int64 and uint64 beyond 2^53: nearest double as the value, exact text as raw, ids kept apart', () => {
    const big = col('big_id');
    if (big.kind !== 'numeric') throw new Error('big_id is not numeric');
    expect(big.raw).toEqual(expected.big_id_raw);
    expect(Array.from(big.values)).toEqual(expected.big_id_raw.map(Number));
    // 2^53 + 1 and 2^53 + 3 round to neighbouring doubles; as ids they stay distinct and exact.
    expect([0, 1, 2, 3].map((i) => idKey(big, i))).toEqual(['9007199254740993', '9007199254740995', '3', '9223372036854775807']);
    const u = col('uint64');
    expect(u.kind === 'numeric' && u.raw).toEqual(expected.uint64_raw);
  });

  test('booleans, strings, dictionary strings, dates and timestamps: categorical text as pandas writes it', () => {
    for (const [name, values] of Object.entries(expected.categorical)) {
      expect({ name, kind: col(name).kind, values: plain(col(name)) }).toEqual({ name, kind: 'categorical', values });
    }
  });

  test('an array file: no record lines, so rows are named by index', () => {
    expect(d.recordLines.length).toBe(0);
    expect(rowWords(d, 3)).toBe('row 3');
  });
});

describe('the same Dataset as the CSV pandas wrote from the same frame', () => {
  test('random.parquet (1,000 rows, 4 row groups, nulls) equals random.csv', async () => {
    const csv = await readDataset(fx('random.csv'));
    const parquet = await readDataset(fx('random.parquet'));
    expectSameDataset(parquet, csv);
    // The text of a numeric column: the shortest round-trip form; pandas wrote nullable ints as floats ("37.0").
    const f64 = parquet.columns.find((c) => c.name === 'f64')!;
    if (f64.kind !== 'numeric') throw new Error('f64 is not numeric');
    expect(f64.raw.slice(0, 3)).toEqual(['373.079180632618', '-6.069615806495524', '-1.1076838950168606e-7']);
  });

  test('required.parquet (columns declared not null, 4 row groups, a dictionary int32) equals required.csv', async () => {
    const parquet = await readDataset(fx('required.parquet'));
    expectSameDataset(parquet, await readDataset(fx('required.csv')));
    expect(parquet.columns.map((c) => c.missing)).toEqual([0, 0, 0]);
  });

  const codecs = ['none', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4'].flatMap((c) => [`${c}-dict-v1`, `${c}-plain-v2`]);
  test.each(codecs)('pyarrow %s (row groups of 150, 1 KiB pages) equals the first 400 CSV rows', async (name) => {
    const csv = await readDataset(fx('random.csv'));
    expectSameDataset(await readDataset(fx('codecs', `${name}.parquet`)), csv, 400);
  });

  test('the categorical option keeps a numeric column as text, as for CSV', async () => {
    const options: ReadOptions = { categorical: ['numtext', 'i32'] };
    expectSameDataset(await readDataset(fx('random.parquet'), options), await readDataset(fx('random.csv'), options));
  });
});

describe('column selection', () => {
  test('keepColumn is asked once per column in file order; refused columns are absent, kept ones unchanged', async () => {
    const asked: string[] = [];
    const keep = new Set(['score', 'word', 'id']);
    const d = await readDataset(fx('random.parquet'), { keepColumn: (n) => (asked.push(n), keep.has(n)) });
    expect(asked).toEqual(['id', 'i64', 'i32', 'f64', 'score', 'nint', 'word', 'cat', 'flag', 'numtext']);
    const all = await readDataset(fx('random.parquet'));
    expectSameDataset(d, { ...all, columns: all.columns.filter((c) => keep.has(c.name)) });
  });

  test('a refused nested column is never decoded, so it is no error', async () => {
    const d = await readDataset(fx('bad', 'list.parquet'), { keepColumn: (n) => n !== 'tags' });
    expect(d.columns.map((c) => c.name)).toEqual(['id']);
  });

  test('no column kept: the rows are still counted', async () => {
    const d = await readDataset(fx('random.parquet'), { keepColumn: () => false });
    expect(d.rowCount).toBe(1000);
    expect(d.columns).toEqual([]);
  });

  test('a categorical override naming a column the file lacks is an error, unless keepColumn refuses it', async () => {
    await expect(readDataset(fx('random.parquet'), { categorical: ['nope'] })).rejects.toThrow(
      `categorical override column "nope" is not in ${fx('random.parquet')}; available columns: "id", "i64", "i32", "f64", "score", "nint", "word", "cat", "flag", "numtext"`,
    );
    await expect(readDataset(fx('random.parquet'), { categorical: ['nope'], keepColumn: (n) => n !== 'nope' })).resolves.toBeDefined();
  });
});

test('rowMajor: the kept columns but the excluded ones as float32 rows, NaN for text and missing', async () => {
  const d = await readDataset(fx('random.parquet'), { rowMajor: { exclude: ['id', 'word'] }, keepColumn: (n) => ['id', 'f64', 'score', 'word', 'cat'].includes(n) });
  const m = d.rowMajor!;
  expect(m.columns.map((c) => c.name)).toEqual(['f64', 'score', 'cat']);
  expect(m.data.length).toBe(3000);
  for (let i = 0; i < 1000; i++) {
    for (const [k, c] of m.columns.entries()) {
      const want = c.kind === 'numeric' ? Math.fround(c.values[i]!) : NaN;
      expect(Object.is(m.data[i * 3 + k], want)).toBe(true);
    }
  }
});

describe('refusals: a DataError naming the file and what to do', () => {
  const message = async (p: string, options?: ReadOptions): Promise<string> => {
    try {
      await readDataset(p, options);
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      return (e as Error).message;
    }
    throw new Error(`${p} was read`);
  };
  const remedy = `— it must be an Apache Parquet file (e.g. from pandas' DataFrame.to_parquet); if it is, it was cut off or damaged: write it again`;

  test('a list column', async () => {
    expect(await message(fx('bad', 'list.parquet'))).toBe(
      `data file ${fx('bad', 'list.parquet')}: column "tags" is a list column, not one value per row — flatten it into plain columns (one per value, e.g. with pandas' json_normalize or by expanding the list) or leave it out of the file`,
    );
  });
  test('a struct column', async () => {
    expect(await message(fx('bad', 'struct.parquet'))).toBe(
      `data file ${fx('bad', 'struct.parquet')}: column "point" is a struct column, not one value per row — flatten it into plain columns (one per value, e.g. with pandas' json_normalize or by expanding the list) or leave it out of the file`,
    );
  });
  test('a fixed-length binary column', async () => {
    expect(await message(fx('bad', 'binary.parquet'))).toBe(
      `data file ${fx('bad', 'binary.parquet')}: column "blob" holds FIXED_LEN_BYTE_ARRAY values, which are neither numbers nor text — convert it to a number or string column, or leave it out of the file`,
    );
  });
  test('no rows', async () => {
    expect(await message(fx('bad', 'empty.parquet'))).toBe(`data file ${fx('bad', 'empty.parquet')} holds a table of 0 rows: the dataset has no rows — add at least one data row`);
  });
  test('a truncated file', async () => {
    expect(await message(fx('bad', 'truncated.parquet'))).toBe(`data file ${fx('bad', 'truncated.parquet')} is not a complete Parquet file: it does not end with "PAR1" ${remedy}`);
  });
  test('a CSV named .parquet', async () => {
    expect(await message(fx('bad', 'not-parquet.parquet'))).toBe(`data file ${fx('bad', 'not-parquet.parquet')} is not a Parquet file: it does not start with "PAR1" ${remedy}`);
  });
  test('a file too short to be one', async () => {
    const p = path.join(dir, 'short.parquet');
    await writeFile(p, 'PAR1PAR1');
    expect(await message(p)).toBe(`data file ${p} is not a Parquet file: it is only 8 bytes long ${remedy}`);
  });
  test('a damaged footer: the decoder error, shortened, inside a DataError', async () => {
    const m = await message(fx('bad', 'footer.parquet'));
    expect(m.startsWith(`data file ${fx('bad', 'footer.parquet')} is not a readable Parquet file (`)).toBe(true);
    expect(m.endsWith(`) — write it again, e.g. with pandas' DataFrame.to_parquet`)).toBe(true);
  });
  test('a damaged page inside a row group', async () => {
    // Flip bytes in the middle of the data (after the header magic, before the footer).
    const p = path.join(dir, 'damaged.parquet');
    await copyFile(fx('codecs', 'zstd-plain-v2.parquet'), p);
    const bytes = readFileSync(p);
    for (let i = 200; i < 2000; i++) bytes[i] = 0xff - bytes[i]!;
    await writeFile(p, bytes);
    const m = await message(p);
    expect(m).toMatch(new RegExp(`^data file ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable Parquet file \\(.+\\) — write it again, e\\.g\\. with pandas' DataFrame\\.to_parquet$`));
  });
  test('a missing file names the input', async () => {
    expect(await message(path.join(dir, 'nope.parquet'), { input: 'current-data' })).toBe(`data file not found: ${path.join(dir, 'nope.parquet')} — check the \`current-data\` input / --current-data path`);
  });
  test('parseDataset refuses Parquet, as it refuses .npz', () => {
    expect(() => parseDataset('x', 'a.parquet')).toThrow(new DataError('data file a.parquet is a Parquet file, not text — read it with readDataset'));
  });
});

test('seeded damage (bytes flipped, cut and re-ended with PAR1): a Dataset or a DataError naming the file, never another error', async () => {
  const random = rng(14);
  const sources = ['random.parquet', 'required.parquet', 'types.parquet', 'codecs/zstd-dict-v1.parquet', 'codecs/gzip-plain-v2.parquet'].map((f) => readFileSync(fx(f)));
  const outcomes = { read: 0, refused: 0 };
  for (let round = 0; round < 150; round++) {
    const source = sources[round % sources.length]!;
    let bytes = Uint8Array.from(source);
    if (round % 3 === 2) {
      const cut = 4 + Math.floor(random() * (bytes.length - 8));
      bytes = Uint8Array.from([...bytes.subarray(0, cut), ...Buffer.from('PAR1')]);
    } else {
      // Half the rounds hit the footer (the last 5%), where the schema and offsets are.
      const flips = 1 + Math.floor(random() * 8);
      for (let k = 0; k < flips; k++) {
        const at = round % 3 === 0 ? Math.floor(random() * bytes.length) : bytes.length - 8 - Math.floor(random() * bytes.length * 0.05);
        bytes[at] = Math.floor(random() * 256);
      }
    }
    const p = path.join(dir, `damaged-${round}.parquet`);
    await writeFile(p, bytes);
    try {
      await readDataset(p);
      outcomes.read++;
    } catch (e) {
      if (!(e instanceof DataError)) throw new Error(`round ${round}: ${String(e)}`, { cause: e });
      expect((e as Error).message).toContain(p);
      outcomes.refused++;
    }
  }
  // Both outcomes occur: damage inside values can leave a readable file, damage to structure cannot.
  expect(outcomes.refused).toBeGreaterThan(50);
  expect(outcomes.read).toBeGreaterThan(0);
}, 60_000);
