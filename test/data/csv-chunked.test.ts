// Reading a CSV file in chunks (csv-fast.ts readCsvFile): whatever the chunk size and the number of
// worker threads, the Dataset must be exactly the one the general path (csv.ts + typing.ts) gives
// for the whole text, raw text and line numbers included; text cells found in a late chunk make the
// column text from its first row on; and a file that changes before its raw text is read is named.

import { mkdtemp, open, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile, writtenAsShortest } from '../../src/data/csv-fast.js';
import { writtenIds } from '../../src/data/ids.js';
import { parseDataset, readDataset } from '../../src/data/read.js';
import type { Dataset } from '../../src/types.js';
import { rng } from '../support/rng.js';
import { expectSameDataset } from '../support/same-dataset.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-gate-chunked-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function chunked(path: string, options: { chunkBytes: number; threads: number; categorical?: string[]; keepColumn?: (n: string) => boolean; rowMajor?: { exclude?: string[] } }): Promise<Dataset | undefined> {
  const handle = await open(path, 'r');
  try {
    return await readCsvFile(handle, path, { delimiter: ',', ...options });
  } finally {
    await handle.close();
  }
}

/** 2000 records with every quirk: missing tokens, spaces, 17-digit numbers, -0, quoted text, blank lines, CRLF. */
function quirky(seed: number, lineBreak = '\r\n'): string {
  const rand = rng(seed);
  const lines = ['id,x,y,name,late'];
  for (let i = 0; i < 2000; i++) {
    const x = i % 97 === 0 ? 'NA' : i % 89 === 0 ? ' 1.5 ' : i % 83 === 0 ? String(rand()) : i % 79 === 0 ? '-0' : (rand() * 10 - 5).toFixed(3);
    const name = i % 11 === 0 ? `"n, ""${i % 7}"""` : `n${i % 7}`;
    // Numbers until row 1900, then one text cell: the column is text from its first row.
    const late = i === 1900 ? 'oops' : i % 5 === 0 ? '1.0' : String(i % 3);
    lines.push(`${i},${x},${(rand() * 1e6).toFixed(1)},${name},${late}`);
    if (i % 400 === 0) lines.push('');
  }
  return lines.join(lineBreak) + lineBreak;
}

describe('a CSV file read in chunks', () => {
  const sizes: [number, number][] = [
    [64, 0],
    [1000, 0],
    [4096, 2],
    [1 << 20, 0]
  ];
  for (const [chunkBytes, threads] of sizes) {
    test(`gives the general path's Dataset with chunks of ${chunkBytes} bytes and ${threads} workers`, async () => {
      const text = quirky(3);
      const path = await file(`q-${chunkBytes}-${threads}.csv`, text);
      const fast = await chunked(path, { chunkBytes, threads });
      expect(fast).toBeDefined();
      expectSameDataset(fast!, parseDataset(text, path));
      expect(fast!.columns.map((c) => [c.name, c.kind])).toEqual([
        ['id', 'numeric'],
        ['x', 'numeric'],
        ['y', 'numeric'],
        ['name', 'categorical'],
        ['late', 'categorical']
      ]);
    });
  }

  test('LF line breaks, no line break at the end, a byte order mark and blank lines before the header', async () => {
    const text = '\ufeff\n\n' + quirky(5, '\n').trimEnd();
    const path = await file('bom.csv', text);
    expectSameDataset((await chunked(path, { chunkBytes: 300, threads: 2 }))!, parseDataset(text, path));
  });

  test('a line longer than a chunk makes that chunk bigger', async () => {
    const long = 'z'.repeat(5000);
    const text = `a,b\n1,${long}\n2,x\n3,4\n`;
    const path = await file('long.csv', text);
    expectSameDataset((await chunked(path, { chunkBytes: 100, threads: 0 }))!, parseDataset(text, path));
  });

  test('lone CR line breaks (no line feed at all) still read right', async () => {
    const text = 'a,b\r1,2\r3,4\r\r5,x\r';
    const path = await file('cr.csv', text);
    expectSameDataset((await chunked(path, { chunkBytes: 4, threads: 0 }))!, parseDataset(text, path));
  });

  test('the raw text of a numeric column is read again from the file, as written', async () => {
    const text = 'id,label\n1,1.0\n2,0\n3,\n12345678901234567890,1e0\n';
    const path = await file('raw.csv', text);
    const fast = (await chunked(path, { chunkBytes: 16, threads: 0 }))!;
    const [id, label] = fast.columns;
    expect(label.kind === 'numeric' && label.raw).toEqual(['1.0', '0', null, '1e0']);
    expect(id.kind === 'numeric' && id.raw).toEqual(['1', '2', '3', '12345678901234567890']);
  });

  test('a file that changes before its raw text is read is named, not misread', async () => {
    const path = await file('changing.csv', 'a,b\n1,2\n3,4\n');
    const fast = (await chunked(path, { chunkBytes: 8, threads: 0 }))!;
    await appendFile(path, '5,6\n');
    const column = fast.columns[0];
    expect(() => column.kind === 'numeric' && column.raw).toThrow(`data file ${path} changed while model-gate was using it — run again once nothing writes to it`);
  });

  test('a line break inside quotes in a late chunk hands the file to the general parser', async () => {
    const text = quirky(9) + '1,2,3,"x\r\ny",4\r\n';
    const path = await file('late-quote.csv', text);
    expect(await chunked(path, { chunkBytes: 512, threads: 2 })).toBeUndefined();
    expectSameDataset(await readDataset(path), parseDataset(text, path));
  });

  test('invalid UTF-8 in a late chunk is refused with the usual words', async () => {
    const path = await file('late-latin1.csv', Buffer.concat([Buffer.from(quirky(4)), Buffer.from([0x31, 0x2c, 0xe9, 0x0a])]));
    await expect(chunked(path, { chunkBytes: 512, threads: 0 })).rejects.toThrow(`data file ${path} is not valid UTF-8 text — re-save it with UTF-8 encoding`);
  });

  test('the row-major matrix gets every chunk, with the late fixes (a number with spaces) in place', async () => {
    const text = quirky(11);
    const path = await file('rm.csv', text);
    const fast = (await chunked(path, { chunkBytes: 700, threads: 2, rowMajor: { exclude: ['y'] } }))!;
    const whole = (await chunked(path, { chunkBytes: 1 << 20, threads: 0, rowMajor: { exclude: ['y'] } }))!;
    expect(fast.rowMajor!.columns.map((c) => c.name)).toEqual(['id', 'x', 'name', 'late']);
    const show = (a: Float32Array) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : v));
    expect(show(fast.rowMajor!.data)).toEqual(show(whole.rowMajor!.data));
    const x = fast.columns[1];
    expect(x.kind).toBe('numeric');
    for (let r = 0; r < fast.rowCount; r++) {
      const v = (x as { values: Float64Array }).values[r];
      const m = fast.rowMajor!.data[r * 4 + 1];
      expect(Number.isNaN(v) ? 'NaN' : Math.fround(v)).toEqual(Number.isNaN(m) ? 'NaN' : m);
    }
  });

  test('ids written as String(value) writes them are known as such from the bytes; any other spelling is not', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i * 7 - 50},${i % 3}`);
    const cases: [string, string[], boolean][] = [
      ['plain', rows, true],
      ['a missing id', [...rows.slice(0, 2000), ',1', ...rows.slice(2000)], true],
      ['7.0', [...rows, '7.0,1'], false],
      ['+7', [...rows, '+7,1'], false],
      ['007', [...rows, '007,1'], false],
      ['-0', [...rows, '-0,1'], false],
      ['1e3', [...rows, '1e3,1'], false],
      ['a fraction', [...rows, '0.5,1'], false],
      ['quoted', [...rows, '"9",1'], false]
    ];
    for (const [name, lines, expected] of cases) {
      const text = `id,y\n${lines.join('\n')}\n`;
      const path = await file(`ids-${name.replace(/\W+/g, '-')}.csv`, text);
      const d = (await chunked(path, { chunkBytes: 1000, threads: 0 }))!;
      const id = d.columns[0];
      expect([name, id.kind === 'numeric' && writtenAsShortest(id)]).toEqual([name, expected]);
      // Either way writtenIds gives the text as written (the general path's raw), row by row.
      const general = parseDataset(text, path).columns[0];
      const at = writtenIds(id);
      const got = Array.from({ length: d.rowCount }, (_, r) => at(r));
      expect(got).toEqual(general.kind === 'numeric' ? general.raw : general.values);
    }
  });
  test('random files, random chunk sizes: always what the general path gives', async () => {
    const rand = rng(1414);
    const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
    const odd = () => pick(['', 'NA', 'nan', 'NULL', ' 3 ', '-0', '1e400', 'inf', '1.0', '+5', '"a, b"', '"say ""hi"""', 'Zürich', '東京', 'x']);
    for (let k = 0; k < 40; k++) {
      const ncols = 1 + Math.floor(rand() * 4);
      // Most columns numbers only; some turn to text or missing somewhere.
      const textual = Array.from({ length: ncols }, () => rand() < 0.4);
      const lines = [Array.from({ length: ncols }, (_, c) => `c${c}`).join(',')];
      const rows = 1 + Math.floor(rand() * 120);
      for (let r = 0; r < rows; r++) {
        lines.push(Array.from({ length: ncols }, (_, c) => (textual[c] && rand() < 0.1 ? odd() : pick([String(rand()), String(r), (rand() * 10).toFixed(3), '7']))).join(','));
        if (rand() < 0.05) lines.push('');
      }
      const lineBreak = pick(['\n', '\r\n']);
      const text = lines.join(lineBreak) + (rand() < 0.7 ? lineBreak : '');
      const path = await file(`random-${k}.csv`, text);
      const chunkBytes = 1 + Math.floor(rand() * 300);
      const threads = rand() < 0.3 ? 2 : 0;
      const fast = await chunked(path, { chunkBytes, threads });
      expect([k, fast === undefined]).toEqual([k, false]);
      expectSameDataset(fast!, parseDataset(text, path));
    }
  });
});
