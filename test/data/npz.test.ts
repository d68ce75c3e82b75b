// .npz archives written by NumPy itself (fixtures/npz/make_npz.py), read back and checked against
// what NumPy reads from them (dtypes.expected.json) and against the CSV they were made from.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../../src/data/read.js';
import { rowPlace } from '../../src/data/row-place.js';
import { halfToNumber } from '../../src/data/npy.js';
import { DataError } from '../../src/errors.js';
import type { Column, Dataset, NumericColumn } from '../../src/types.js';
import { npyHeaderText, npzBytes } from '../fuzz/npz-build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npz = (f: string) => path.join(root, 'fixtures', 'npz', f);
const speciesCsv = path.join(root, 'fixtures', 'penguins-species', 'eval.csv');
const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-gate-npz-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function column(d: Dataset, name: string): Column {
  const c = d.columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name} in ${d.columns.map((x) => x.name).join(', ')}`);
  return c;
}

function numeric(d: Dataset, name: string): NumericColumn {
  const c = column(d, name);
  if (c.kind !== 'numeric') throw new Error(`${name} is ${c.kind}`);
  return c;
}

async function failure(p: string): Promise<string> {
  try {
    await readDataset(p);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error(`${p} was read without an error`);
}

describe('every dtype, as NumPy reads it back', () => {
  let d: Dataset;
  let expected: Record<string, (string | number | null)[]>;
  beforeAll(async () => {
    d = await readDataset(npz('dtypes.npz'));
    expected = JSON.parse(await readFile(npz('dtypes.expected.json'), 'utf8'));
  });

  test('one column per 1-D array, one per position of a higher one (C order), in the order saved', () => {
    expect(d.rowCount).toBe(5);
    expect(d.columns.map((c) => c.name)).toEqual(Object.keys(expected));
    expect(d.recordLines.length).toBe(0);
  });

  test('floats (half, single, double, big-endian) equal NumPy\'s values exactly; NaN is missing', () => {
    const fortran = Object.keys(expected).filter((k) => k.startsWith('cube_nan_f['));
    expect(fortran).toHaveLength(6);
    for (const key of ['f2', 'f4', 'f8', 'f8_big', 'cube[0,0]', 'cube[1,2]', ...fortran]) {
      const c = numeric(d, key);
      // make_npz.py: repr(float(v)) of each element, null for NaN.
      const want = expected[key].map((v) => (v === null ? NaN : Number(v)));
      expect(Array.from(c.values)).toEqual(want);
      expect(c.missing).toBe(want.filter(Number.isNaN).length);
      expect(c.raw.map((r) => r === null)).toEqual(want.map(Number.isNaN));
    }
  });

  test('integers of every width and sign, int64 and uint64 beyond 2^53 kept exactly as text', () => {
    for (const key of ['i1', 'i2', 'i4_big', 'i8', 'u1', 'u2', 'u4', 'u8', 'cube_f[0,0]', 'cube_f[0,1]', 'cube_f[1,2]']) {
      const c = numeric(d, key);
      expect(c.raw).toEqual(expected[key]);
      expect(Array.from(c.values)).toEqual(expected[key].map((v) => Number(v)));
      expect(c.missing).toBe(0);
    }
    expect(numeric(d, 'i8').raw[3]).toBe('9007199254740993'); // 2^53 + 1, not representable as a double
  });

  test('booleans are 0/1; text is typed as CSV cells are (missing tokens, numbers stay numbers)', () => {
    expect(Array.from(numeric(d, 'b1').values)).toEqual(expected.b1);
    const text = column(d, 'text');
    // make_npz.py saved ['Adelie', 'Zürich', '日本', '', 'NA']: '' and 'NA' are missing, as in a CSV.
    expect(text).toMatchObject({ kind: 'categorical', values: ['Adelie', 'Zürich', '日本', null, null], missing: 2 });
    expect(column(d, 'text_big')).toMatchObject({ kind: 'categorical', values: expected.text_big });
    expect(column(d, 'raw_bytes')).toMatchObject({ kind: 'categorical', values: ['alpha', 'b', null, 'gamma', 'd'] });
    expect(numeric(d, 'digits').raw).toEqual(expected.digits);
    // NumPy strips trailing NULs only ('d\x00' reads back as 'd'; 'a\x00b' keeps its NUL).
    expect(column(d, 'nul_inside')).toMatchObject({ kind: 'categorical', values: expected.nul_inside.map((v) => (v === '' ? null : v)) });
  });

  test('a categorical override keeps numbers as class names', async () => {
    const c = (await readDataset(npz('dtypes.npz'), { categorical: ['i1', 'f4'] })).columns;
    expect(c.find((x) => x.name === 'i1')).toMatchObject({ kind: 'categorical', values: expected.i1 });
    expect(c.find((x) => x.name === 'f4')).toMatchObject({ kind: 'categorical', missing: 1 });
    await expect(readDataset(npz('dtypes.npz'), { categorical: ['I1'] })).rejects.toThrow(/categorical override column "I1" is not in .*dtypes\.npz \(did you mean "i1"\?\)/);
  });

  test('halfToNumber: every half, against a float32 built from its bits', () => {
    // Reference: a normal half re-biased into float32 bits (exponent e - 15 + 127, fraction shifted up 13);
    // a subnormal one is f × 2^-24; e = 31 is ±Infinity or NaN.
    const bits = new Uint32Array(1);
    const f32 = new Float32Array(bits.buffer);
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const s = h >> 15;
      const e = (h >> 10) & 31;
      const f = h & 1023;
      let want: number;
      if (e === 0) want = (s ? -1 : 1) * (f / 16777216);
      else if (e === 31) want = f === 0 ? (s ? -Infinity : Infinity) : NaN;
      else {
        bits[0] = (s << 31) | ((e - 15 + 127) << 23) | (f << 13);
        want = f32[0];
      }
      if (!Object.is(halfToNumber(h), want)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the penguins rows, as CSV and as .npz', () => {
  let csv: Dataset;
  beforeAll(async () => {
    csv = await readDataset(speciesCsv);
  });

  test('one array per column: the same columns and values as eval.csv', async () => {
    const d = await readDataset(npz('penguins-species.npz'));
    expect(d.rowCount).toBe(csv.rowCount);
    expect(d.columns.map((c) => c.name).sort()).toEqual(csv.columns.map((c) => c.name).sort());
    for (const name of [...FEATURES, 'id']) expect(Array.from(numeric(d, name).values)).toEqual(Array.from(numeric(csv, name).values));
    expect(column(d, 'species')).toMatchObject({ kind: 'categorical', values: (column(csv, 'species') as { values: string[] }).values });
  });

  test.each([
    ['penguins-species-rows.npz', 'C order, stored'],
    ['penguins-species-matrix.npz', 'Fortran order, deflated'],
    ['penguins-species-zip64.npz', 'Zip64 records, by Info-ZIP'],
  ])('%s (%s): the float32 matrix gives columns x[0] … x[3] and the row-major matrix', async (file) => {
    const d = await readDataset(npz(file), { rowMajor: { exclude: ['id', 'species'] } });
    const want = FEATURES.map((f) => Array.from(numeric(csv, f).values, Math.fround));
    FEATURES.forEach((_, j) => expect(Array.from(numeric(d, `x[${j}]`).values)).toEqual(want[j]));
    expect(d.rowMajor?.columns.map((c) => c.name)).toEqual(['x[0]', 'x[1]', 'x[2]', 'x[3]']);
    const rows = Array.from({ length: csv.rowCount }, (_, i) => want.map((c) => c[i]));
    expect(Array.from(d.rowMajor!.data)).toEqual(rows.flat());
  });

  test('a C-order float32 matrix is the row-major matrix itself, not a copy', async () => {
    const d = await readDataset(npz('penguins-species-rows.npz'), { rowMajor: { exclude: ['id', 'species'] } });
    // The columns are made lazily from the same memory: a change to the matrix shows in a column read after it.
    d.rowMajor!.data[4 * 7 + 2] = 12345;
    expect(numeric(d, 'x[2]').values[7]).toBe(12345);
    // Fortran order needs the copy: there, the change does not show.
    const f = await readDataset(npz('penguins-species-matrix.npz'), { rowMajor: { exclude: ['id', 'species'] } });
    f.rowMajor!.data[4 * 7 + 2] = 12345;
    expect(numeric(f, 'x[2]').values[7]).not.toBe(12345);
  });

  test('the row-major matrix leaves out what it is told to, and holds NaN for text it keeps', async () => {
    const d = await readDataset(npz('penguins-species.npz'), { rowMajor: { exclude: ['id'] } });
    expect(d.rowMajor!.columns.map((c) => c.name)).toEqual([...FEATURES, 'species']);
    expect(d.rowMajor!.data[4]).toBeNaN();
    expect(d.rowMajor!.data[5]).toBe(Math.fround(numeric(csv, FEATURES[0]).values[1]));
  });

  test('rows are named by 0-based index in messages (an array file has no lines)', async () => {
    const d = await readDataset(npz('penguins-species.npz'));
    expect(rowPlace(d, 3)).toBe(`${d.path}, row 3`);
    expect(rowPlace(csv, 3)).toBe(`${csv.path}:5`);
  });
});

describe('archives it refuses say which file, which array and what to do', () => {
  test.each([
    ['bad-structured.npz', /bad-structured\.npz, array "rec", holds a structured \(record\) array — save each field as its own array/],
    ['bad-object.npz', /bad-object\.npz, array "obj", holds Python objects \(dtype "\|O", saved with pickling\) — convert strings with \.astype\(str\)/],
    ['bad-scalar.npz', /bad-scalar\.npz: array "meta" is a single value, not one value per row/],
    ['bad-ragged.npz', /bad-ragged\.npz: array "y" has 3 rows but "x" has 4 — every array in the archive needs one entry per example/],
    ['bad-datetime.npz', /bad-datetime\.npz, array "t", holds dates or time spans \(dtype "<M8\[D\]"\) — save it as numbers/],
    ['bad-empty.npz', /bad-empty\.npz has arrays of length 0: the dataset has no rows/],
    ['bad-complex.npz', /bad-complex\.npz, array "z", holds complex numbers \(dtype "<c16"\)/],
    ['bad-short.npz', /bad-short\.npz, array "x", is cut short: its shape \(100\) needs 800 bytes of data, the archive holds 80/],
    ['bad-member.npz', /bad-member\.npz holds "notes\.txt", which is not an \.npy array/],
  ])('%s', async (file, message) => {
    expect(await failure(npz(file))).toMatch(message);
  });

  test('a cut-off file, damaged deflate data, a file that is not a ZIP, a missing file', async () => {
    const bytes = await readFile(npz('penguins-species-matrix.npz'));
    const cut = path.join(tmp, 'cut.npz');
    await writeFile(cut, bytes.subarray(0, bytes.length - 40));
    expect(await failure(cut)).toMatch(/cut\.npz is not a ZIP archive \(no end-of-directory record\); an \.npz is written by np\.savez/);
    // Zero the first member's deflate stream (it starts after the 30-byte local header, its name and extra field).
    const broken = Buffer.from(bytes);
    const start = 30 + broken.readUInt16LE(26) + broken.readUInt16LE(28);
    broken.fill(0, start, start + 16);
    const bad = path.join(tmp, 'inflate.npz');
    await writeFile(bad, broken);
    expect(await failure(bad)).toMatch(/inflate\.npz, array "id", is damaged: its deflated data does not inflate/);
    // The directory says the first array inflates to 8 bytes fewer than it does: stopped at that size, not trusted.
    const lying = Buffer.from(bytes);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(lying.readUInt32LE(central + 24) - 8, central + 24);
    const lie = path.join(tmp, 'lying.npz');
    await writeFile(lie, lying);
    expect(await failure(lie)).toMatch(new RegExp(`lying\\.npz, array "id", is damaged: its deflated data does not inflate to the ${lying.readUInt32LE(central + 24)} bytes its directory gives`));
    // One bit of the stored matrix flipped: the CRC-32 that np.savez wrote no longer matches.
    const rows = await readFile(npz('penguins-species-rows.npz'));
    const flipped = Buffer.from(rows);
    const at = flipped.indexOf(Buffer.from('x.npy')) + 600;
    flipped[at] ^= 1;
    const flip = path.join(tmp, 'flipped.npz');
    await writeFile(flip, flipped);
    expect(await failure(flip)).toMatch(/flipped\.npz, array "x", is damaged: its bytes have CRC-32 [0-9a-f]{8} where the archive's directory says [0-9a-f]{8}/);
    const text = path.join(tmp, 'text.npz');
    await writeFile(text, 'id,x\n1,2\n');
    expect(await failure(text)).toMatch(/text\.npz is not a ZIP archive/);
    expect(await failure(path.join(tmp, 'nope.npz'))).toMatch(/data file not found: .*nope\.npz/);
  });
});

// Archives the fuzz test (test/fuzz/data-readers.test.ts) found: each once crashed, hung or printed a raw name.
describe('hostile archives end in a DataError', () => {
  const commandLines = (message: string) => message.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line));
  const write = async (name: string, bytes: Uint8Array) => {
    const p = path.join(tmp, name);
    await writeFile(p, bytes);
    return p;
  };

  test('a stored array whose directory claims more bytes than it stores: damaged, not a 4 GiB read that aborts the process', async () => {
    const bytes = Buffer.from(npzBytes([{ name: 'x.npy', header: npyHeaderText('<f8', [2]), payload: new Uint8Array(16) }]));
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(0xffffff00, central + 24); // uncompressed size; the stored (compressed) size stays 144
    expect(await failure(await write('oversized.npz', bytes))).toMatch(
      /oversized\.npz, array "x", is damaged: the archive's directory gives it 144 stored bytes but 4294967040 bytes in all — save it again/,
    );
  });

  test('text of width 0 is refused: its shape could claim 2^31 items without the file holding one', async () => {
    const started = performance.now();
    const p = await write('zero-width.npz', npzBytes([{ name: 's.npy', header: npyHeaderText('|S0', [2 ** 31]), payload: new Uint8Array(0) }]));
    expect(await failure(p)).toMatch(/zero-width\.npz, array "s", holds a dtype this reader does not take \(dtype "\|S0"\)/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('an array with no values per row (shape (3, 0)) is refused, not read as rows without columns', async () => {
    const p = await write('no-width.npz', npzBytes([{ name: 'x.npy', header: npyHeaderText('<f8', [3, 0]), payload: new Uint8Array(0) }]));
    expect(await failure(p)).toMatch(/no-width\.npz: array "x" has shape \(3, 0\), no values per row/);
  });

  test('names and header text from the archive are quoted on one line and shortened', async () => {
    const scalar = await failure(await write('scalar.npz', npzBytes([{ name: 'a\n::error::x.npy', header: npyHeaderText('<f8', []), payload: new Uint8Array(8) }])));
    expect(scalar).toContain('array "a\\n::error::x" is a single value');
    const header = await failure(await write('header.npz', npzBytes([{ name: 'x.npy', header: `{'descr': '<f8', ${'z'.repeat(500)}\n::error::x}`, payload: new Uint8Array(0) }])));
    expect(header).toMatch(/header\.npz, array "x", has an \.npy header this reader cannot parse: "\{'descr': '<f8', z+… \(\+\d+ characters\)"/);
    const member = await failure(await write('member.npz', npzBytes([{ name: 'notes\n::add-mask::x', header: '', payload: new Uint8Array(0) }])));
    expect(member).toContain('holds "notes\\n::add-mask::x", which is not an .npy array');
    for (const m of [scalar, header, member]) expect(commandLines(m)).toEqual([]);
  });
});
