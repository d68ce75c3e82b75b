// The CSV scanner's decimal → double conversion (csv-numbers.ts: Clinger, a division checked by its
// exact remainder, Eisel–Lemire, then Number() past 19 significant digits) must be correctly
// rounded: every value is checked bit for bit (Object.is) against Number() on the same text, V8's
// correctly rounded strtod, which is the independent reference here, and against the general path
// (typing.ts parseDecimal). Millions of strings go through one scan of one big buffer, so the check
// costs seconds, not minutes.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFast } from '../../src/data/csv-fast.js';
import { scanCsvNumbers } from '../../src/data/csv-numbers.js';
import { parseDataset } from '../../src/data/read.js';
import { parseDecimal } from '../../src/data/typing.js';
import type { Column } from '../../src/types.js';
import { rng } from '../support/rng.js';

/** Scans `cells` as one column of a CSV body; the values, NaN where the scanner left a cell odd. */
function scan(cells: readonly string[]): { values: Float64Array; odd: number } {
  const bytes = Buffer.from(cells.join('\n') + '\n', 'latin1');
  const result = scanCsvNumbers(bytes, 0, bytes.length, 1, 44, new Uint8Array(1), 2);
  expect(result.giveUp).toBe('');
  expect(result.rows).toBe(cells.length);
  return { values: result.values[0], odd: result.oddRows.length };
}

/** The cells whose scanned value is not Number(cell) bit for bit (at most 10, for the message). */
function mismatches(cells: readonly string[]): string[] {
  const { values } = scan(cells);
  const bad: string[] = [];
  for (let k = 0; k < cells.length && bad.length < 10; k++) {
    const want = Number(cells[k]);
    if (!Object.is(values[k], want)) bad.push(`${cells[k]}: ${values[k]} instead of ${want}`);
  }
  return bad;
}

/** A double from 64 random bits (NaN and infinities excluded: String() of them is not a decimal). */
function randomDouble(next: () => number, view: DataView): number {
  for (;;) {
    view.setUint32(0, Math.floor(next() * 4294967296));
    view.setUint32(4, Math.floor(next() * 4294967296));
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) return x;
  }
}

/** n random decimal digits, leading zeros allowed (nine per draw: generating is most of this file's time). */
function digitString(next: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += String(Math.floor(next() * 1e9)).padStart(9, '0');
  return s.slice(0, n);
}

describe('decimal → double on the CSV fast path is correctly rounded', () => {
  test('600,000 random mantissas of 1 to 20 digits with random exponents, points and signs', () => {
    const next = rng(20261202);
    const cells: string[] = [];
    for (let k = 0; k < 600_000; k++) {
      const digits = digitString(next, 1 + Math.floor(next() * 20));
      const point = Math.floor(next() * (digits.length + 1));
      const sign = next() < 0.3 ? '-' : next() < 0.1 ? '+' : '';
      const body = point === digits.length ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
      const r = next();
      const exponent = r < 0.2 ? '' : `${r < 0.6 ? 'e' : 'E'}${Math.floor(next() * 720) - 370}`;
      cells.push(`${sign}${body}${exponent}`);
    }
    expect(mismatches(cells)).toEqual([]);
  });

  test('600,000 pandas repr outputs of random doubles (String() writes the same shortest round-trip digits)', () => {
    const next = rng(7);
    const view = new DataView(new ArrayBuffer(8));
    const cells: string[] = [];
    for (let k = 0; k < 300_000; k++) cells.push(String(randomDouble(next, view)));
    // And doubles as data has them: a normal-ish spread around 1, 17 significant digits mostly.
    for (let k = 0; k < 300_000; k++) cells.push(String((next() + next() + next() - 1.5) * 10 ** Math.floor(next() * 12 - 6)));
    expect(cells.filter((c, k) => k % 10 === 0 && c.replace(/^-?0?\.?0*/, '').replace(/e.*$/, '').replace('.', '').length === 17).length).toBeGreaterThan(20_000);
    expect(mismatches(cells)).toEqual([]);
    // Reading them back gives the very doubles written: the round trip pandas relies on.
    const { values } = scan(cells);
    for (let k = 0; k < cells.length; k += 997) expect(String(values[k])).toBe(cells[k]);
  });

  test('300,000 17 to 20 digit mantissas at the exponents 17-digit data has', () => {
    const next = rng(99);
    const cells: string[] = [];
    for (let k = 0; k < 300_000; k++) {
      const digits = digitString(next, 17 + Math.floor(next() * 4));
      cells.push(`${next() < 0.5 ? '-' : ''}0.${digits}e${Math.floor(next() * 60) - 30}`);
    }
    expect(mismatches(cells)).toEqual([]);
  });

  test('16 to 19 digit mantissas over 10^1 to 10^22 (the checked division), and the midpoints it must hand on', () => {
    const next = rng(1614);
    const cells: string[] = [];
    const decimal = (digits: string, places: number): string => {
      const padded = digits.padStart(places + 1, '0');
      return `${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
    };
    for (let k = 0; k < 200_000; k++) {
      const digits = String(1 + Math.floor(next() * 9)) + digitString(next, 15 + Math.floor(next() * 4));
      cells.push(`${next() < 0.5 ? '-' : ''}${decimal(digits, 1 + Math.floor(next() * 22))}`);
    }
    // Midpoints (2m + 1) · 2^(e − 1) between m · 2^e and (m + 1) · 2^e, 2^52 ≤ m < 2^53, that have at most
    // 19 significant digits after the point: e − 1 from −1 to −4. Written as they are, with a trailing
    // zero, and one unit either side in the last digit.
    for (let k = 0; k < 50_000; k++) {
      const m = BigInt(2 ** 52 + Math.floor(next() * 2 ** 52));
      const places = 1 + (k % 4);
      const digits = (2n * m + 1n) * 5n ** BigInt(places);
      for (const by of [0n, 1n, -1n]) cells.push(decimal((digits + by).toString(), places));
      cells.push(decimal((digits * 10n).toString(), places + 1));
    }
    expect(cells.length).toBe(400_000);
    expect(mismatches(cells)).toEqual([]);
  });

  test('exact midpoints between adjacent doubles, and one unit either side in the last digit', () => {
    const next = rng(3);
    const view = new DataView(new ArrayBuffer(8));
    const cells: string[] = [];
    const exactDecimal = (numerator: bigint, twos: number): string => {
      // numerator · 2^twos exactly, as a decimal: negative powers of two are 5^k / 10^k.
      if (twos >= 0) return (numerator << BigInt(twos)).toString();
      const digits = (numerator * 5n ** BigInt(-twos)).toString().padStart(-twos + 1, '0');
      return `${digits.slice(0, twos)}.${digits.slice(twos)}`;
    };
    const lastDigit = (s: string, by: bigint): string => {
      const point = s.indexOf('.');
      const scaled = BigInt(s.replace('.', '')) + by;
      if (point < 0) return scaled.toString();
      const places = s.length - point - 1;
      const d = scaled.toString().padStart(places + 1, '0');
      return `${d.slice(0, d.length - places)}.${d.slice(d.length - places)}`;
    };
    for (let k = 0; k < 40_000; k++) {
      // Between 2^52 ≤ m < 2^53 and m + 1 at binary exponent e: (2m + 1) · 2^(e − 1). Short ones
      // (at most 19 significant digits: the round-half-even branch of Eisel–Lemire) and long ones.
      const m = BigInt(2 ** 52 + Math.floor(next() * 2 ** 52));
      const e = k % 3 === 0 ? Math.floor(next() * 14) - 3 : Math.floor(next() * 200) - 100;
      const mid = exactDecimal(2n * m + 1n, e - 1);
      cells.push(mid, lastDigit(mid, 1n), lastDigit(mid, -1n));
      // The shortest representation of a random double, and its neighbours in the last digit.
      const x = Math.abs(randomDouble(next, view));
      const [mantissa, exponent] = x.toExponential().split('e');
      cells.push(`${lastDigit(mantissa, 1n)}e${exponent}`, `${lastDigit(mantissa, -1n)}e${exponent}`);
    }
    // The exponent range that has 19-digit midpoints, all of them: 2^53 + 1 and up.
    for (let k = 0; k < 20_000; k++) cells.push((2n ** 53n + 1n + 2n * BigInt(k)).toString(), `${(2n ** 54n + 2n + 4n * BigInt(k)).toString()}`, `${(2n ** 53n + BigInt(k)).toString()}.5`, `${(2n ** 52n + BigInt(k)).toString()}.25`, `${(2n ** 52n + BigInt(k)).toString()}.75`);
    expect(cells.length).toBe(300_000);
    expect(mismatches(cells)).toEqual([]);
  });

  test('subnormals, the largest doubles, overflow and underflow', () => {
    const next = rng(11);
    const view = new DataView(new ArrayBuffer(8));
    const cells = [
      '4.9e-324', '5e-324', '4.9406564584124654e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '2.47032822920623272e-324',
      '3e-324', '7.4e-324', '1e-323', '2.2250738585072011e-308', '2.2250738585072014e-308', '2.225073858507201e-308',
      '1e-340', '1e-400', '-1e-400', '0.000000000000000000000000000000001e-300', '1e-342', '1e-343', '9999999999999999999e-343',
      '1.7976931348623157e308', '-1.7976931348623157e308', '1.7976931348623158e308', '1.79769313486231580793e308', '1.7976931348623159e308',
      '1e308', '1e309', '-1e309', '1e400', '-1e400', '0.1e310', '179769313486231570000000000000000000000e270', '1e99999', '1e100001'
    ];
    for (let k = 0; k < 50_000; k++) {
      // Random subnormals: 52 random mantissa bits, zero exponent.
      view.setUint32(0, Math.floor(next() * 2 ** 20) >>> 0);
      view.setUint32(4, Math.floor(next() * 4294967296));
      const x = view.getFloat64(0);
      cells.push(String(x), x.toPrecision(17), x.toPrecision(19), `${x.toExponential(3)}`);
      cells.push(`${digitString(next, 1 + Math.floor(next() * 19))}e${Math.floor(next() * 30) - 345}`);
      cells.push(`${digitString(next, 1 + Math.floor(next() * 19))}e${Math.floor(next() * 30) + 290}`);
    }
    expect(mismatches(cells)).toEqual([]);
    const { values } = scan(['1e400', '-1e400', '1e-400', '-1e-400']);
    expect(Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual([Infinity, -Infinity, 0, '-0']);
  });

  test('zeros, leading zeros, signs, bare points and long digit strings', () => {
    const cells = [
      '0', '-0', '+0', '0.0', '-0.0', '00000', '-000.000', '0e999', '-0e-999', '0.000000000000000000000000000000000000001',
      '000123.4500', '.5', '5.', '-.5e3', '+5.e-3', '0000000000000000000000000000012345678901234567', '1000000000000000000000000000',
      '100000000000000000000000000000000000000000000000000000000000000000000000.0000000000000000000000000000000000',
      '0.10000000000000000000000000000000000000001', '123456789012345678901234567890', '9007199254740993', '9007199254740993.0000000000000000001',
      '18446744073709551615', '18446744073709551616', '9999999999999999999', '99999999999999999999', '1.00000000000000011102230246251565404236316680908203125',
      '1.00000000000000011102230246251565404236316680908203124', '1.00000000000000011102230246251565404236316680908203126'
    ];
    expect(mismatches(cells)).toEqual([]);
    const { values } = scan(['-0', '+0', '-0.0e5']);
    expect(Array.from(values, (v) => Object.is(v, -0))).toEqual([true, false, true]);
  });

  test('agrees with the general path (typing.ts parseDecimal) on every kind of cell', () => {
    const next = rng(5);
    const view = new DataView(new ArrayBuffer(8));
    const cells = ['inf', '-inf', '+inf', 'Infinity', '-Infinity', 'INF', 'iNfInItY', '1e400', '-1e400', '1e-400', '-0', '.5', '5.'];
    for (let k = 0; k < 100_000; k++) cells.push(String(randomDouble(next, view)), `${digitString(next, 1 + Math.floor(next() * 20))}e${Math.floor(next() * 720) - 370}`);
    const { values, odd } = scan(cells);
    expect(odd).toBe(0);
    const bad: string[] = [];
    for (let k = 0; k < cells.length && bad.length < 10; k++) if (!Object.is(values[k], parseDecimal(cells[k]))) bad.push(cells[k]);
    expect(bad).toEqual([]);
  });

  test('infinity words are ±Infinity; NaN spellings, near-words and malformed numbers are left to the caller', () => {
    const { values, odd } = scan(['inf', '-inf', '+inf', 'Infinity', '-Infinity', 'INF', '-iNfInItY']);
    expect(Array.from(values)).toEqual([Infinity, -Infinity, Infinity, Infinity, -Infinity, Infinity, -Infinity]);
    expect(odd).toBe(0);
    const others = ['nan', 'NaN', '-nan', 'in', 'infin', 'infinityy', 'infx', ' inf', 'inf ', '--1', '1e', '1e+', '.', '-', '1.2.3', '0x10', '1_000', 'e5', '1d5'];
    const scanned = scan(others);
    expect(scanned.odd).toBe(others.length);
    // The caller reads odd cells with parseDecimal: none of these is a number there either (or a missing token).
    for (const cell of others) expect([cell, parseDecimal(cell)]).toEqual([cell, NaN]);
  });
});

describe('the fast CSV reader gives the Dataset of the general parser on full-precision files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-gate-decimal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const plain = (column: Column): unknown =>
    column.kind === 'categorical'
      ? column
      : { name: column.name, missing: column.missing, values: Array.from(column.values, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v)), raw: column.raw };

  test('17-digit repr, exponents, inf, -inf, empty cells (pandas NaN), subnormals and overflow', async () => {
    const next = rng(17);
    const view = new DataView(new ArrayBuffer(8));
    const rows = ['a,b,c,d'];
    const special = ['inf', '-inf', '', '1e-07', '-3.0521e-05', '4.9e-324', '1e400', '-0', '1.7976931348623157e+308', 'NaN'];
    for (let k = 0; k < 3000; k++) {
      const x = (next() + next() - 1) * 10 ** Math.floor(next() * 8 - 4);
      rows.push([String(x), String(randomDouble(next, view)), special[k % special.length], `${digitString(next, 18)}e${Math.floor(next() * 600) - 300}`].join(','));
    }
    const text = rows.join('\n') + '\n';
    const path = join(dir, 'full-precision.csv');
    await writeFile(path, text);
    const fast = await readCsvFast(Buffer.from(text), path, { delimiter: ',', chunkBytes: 4096 });
    expect(fast).toBeDefined();
    const general = parseDataset(text, path);
    expect(fast!.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'numeric', 'numeric']);
    expect(fast!.columns.map(plain)).toEqual(general.columns.map(plain));
  });
});
