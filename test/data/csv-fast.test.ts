// The fast CSV path (csv-numbers.ts + csv-fast.ts) must give exactly the Dataset the general path
// (csv.ts + typing.ts, itself checked against pandas) gives: that general path is the reference.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCsvFast, scanThreads, scanWorkerSource } from '../../src/data/csv-fast.js';
import { scanCsvNumbers, type ScanResult } from '../../src/data/csv-numbers.js';
import { parseDataset, readDataset } from '../../src/data/read.js';
import { DataError } from '../../src/errors.js';
import { rng } from '../support/rng.js';
import { expectSameDataset } from '../support/same-dataset.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-gate-fast-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function shared(text: string): Uint8Array {
  const b = Buffer.from(text, 'utf8');
  const bytes = new Uint8Array(new SharedArrayBuffer(b.length));
  bytes.set(b);
  return bytes;
}

const show32 = (a: Float32Array): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v));

const CASES: Record<string, string> = {
  'plain numbers': 'a,b,c\n1,2.5,-3\n4,5,6\n',
  'signs, exponents, bare dots': 'a,b,c,d\n+1,.5,5.,-0\n1e3,1E-3,-2.5e+2,0\n',
  'more digits than the fast path (pandas writes 17)': 'a,b\n0.12345678901234567,123456789012345678901\n1e-300,9007199254740993\n',
  'spaces around numbers': 'a,b\n 2.5 ,1\n3,\t4\n',
  'missing tokens': 'a,b\n,NA\nnan,1\nNULL,2\n#N/A,n/a\n',
  'a text column and unicode': 'x,name,y\n1,Zürich,2\n3,東京,4\n5,,6\n',
  'a column that turns to text halfway': 'a,b\n1,2\n3,4\n5,abc\n7,8\n',
  'overflow is infinity, as pandas reads it': 'a,b\n1,1e400\n2,-1e400\n3,1.7976931348623159e308\n',
  'CRLF, lone CR and blank lines': 'a,b\r\n1,2\r\n\r\n3,4\r5,6\n\n\n7,8',
  'byte order mark and leading blank lines': '\ufeff\n\na,b\n1,2\n',
  'one column': 'y\n1\n0\n1\n',
  'empty cells everywhere': 'a,b\n,\n,\n',
  'infinity words are numbers, as pandas reads them': 'a,b\n1,x\ninf,y\n-Infinity,z\n+INF,w\n',
  'an infinity word with a space is text': 'a\n1\n inf\n',
  'a lone minus or dot is text': 'a,b\n-,1\n.,2\n',
  'quoted text with delimiters and doubled quotes': 'id,name,x\n1,"Smith, J.",2.5\n2,"say ""hi""",3\n3,plain,4\n',
  'quoted numbers and a quoted empty cell': 'a,b\n"1e3",""\n"2",5\n',
  'a quoted number column turning to text': 'a,b\n"1",x\n"two",y\n'
};

describe('the fast CSV path agrees with the general parser', () => {
  for (const [name, text] of Object.entries(CASES)) {
    test(name, async () => {
      const path = await file(`${name.replace(/\W+/g, '-')}.csv`, text);
      const fast = await readCsvFast(Buffer.from(text, 'utf8'), path, { delimiter: ',' });
      expect(fast).toBeDefined();
      expectSameDataset(fast!, parseDataset(text, path));
      expectSameDataset(await readDataset(path), parseDataset(text, path));
    });
  }

  test('inf, -Infinity and 1e400 are numbers there too: ±Infinity, as pandas 3.0.6 reads them (a row-major matrix gets them as well)', async () => {
    const text = 'a,b\n1,inf\n-Infinity,2\n1e400,3\n';
    const path = await file('infinities.csv', text);
    const fast = (await readCsvFast(Buffer.from(text), path, { delimiter: ',', rowMajor: {} }))!;
    expect(fast.columns.map((c) => [c.kind, Array.from(c.values as Float64Array)])).toEqual([
      ['numeric', [1, -Infinity, Infinity]],
      ['numeric', [Infinity, 2, 3]],
    ]);
    expect(Array.from(fast.rowMajor!.data)).toEqual([1, Infinity, -Infinity, 2, Infinity, 3]);
    expectSameDataset(fast, parseDataset(text, path));
  });

  test('categorical overrides keep number columns as text', async () => {
    const text = 'label,x\n1,0.5\n0,1.5\n1.0,2\n';
    const path = await file('forced.csv', text);
    const fast = await readCsvFast(Buffer.from(text), path, { delimiter: ',', categorical: ['label'] });
    expectSameDataset(fast!, parseDataset(text, path, { categorical: ['label'] }));
    expect(fast!.columns[0]).toMatchObject({ kind: 'categorical', values: ['1', '0', '1.0'] });
  });

  test('a delimiter that is not one ASCII byte is left to the general parser', async () => {
    for (const delimiter of ['§', '；', 'ab', '"']) {
      expect([delimiter, await readCsvFast(Buffer.from(`a${delimiter}b\n1${delimiter}2\n`), 'd.csv', { delimiter })]).toEqual([delimiter, undefined]);
    }
    const text = 'a§b\n1§2\n3§4\n';
    const path = await file('section.csv', text);
    const dataset = await readDataset(path, { delimiter: '§' });
    expect(dataset.columns.map((c) => [c.name, c.kind])).toEqual([['a', 'numeric'], ['b', 'numeric']]);
  });

  test('tab-separated', async () => {
    const text = 'a\tb\n1,5\t2\n3\t4\n';
    const path = await file('t.tsv', text);
    expectSameDataset((await readCsvFast(Buffer.from(text), path, { delimiter: '\t' }))!, parseDataset(text, path));
  });

  test('a line break inside quotes, a quoted header or a stray quote hands the file to the general parser', async () => {
    const text = 'a,b\n1,2\n3,"4\n5"\n';
    const path = await file('quoted.csv', text);
    expect(await readCsvFast(Buffer.from(text), path, { delimiter: ',' })).toBeUndefined();
    expect(await readCsvFast(Buffer.from('"a",b\n1,2\n'), path, { delimiter: ',' })).toBeUndefined();
    expect(await readCsvFast(Buffer.from('a,b\n1,x"y\n'), path, { delimiter: ',' })).toBeUndefined();
    expect(await readCsvFast(Buffer.from('a,b\n1,"x"y\n'), path, { delimiter: ',' })).toBeUndefined();
    expect(await readCsvFast(Buffer.from('a,b\n1,"x\n'), path, { delimiter: ',' })).toBeUndefined();
    const dataset = await readDataset(path);
    expect(dataset.columns[1]).toMatchObject({ kind: 'categorical', values: ['2', '4\n5'] });
    await expect(readDataset(await file('after-quote.csv', 'a,b\n1,"x"y\n'))).rejects.toThrow(/unexpected "y" after the closing quote/);
  });

  test('a short record gives the general parser its error, with file and line', async () => {
    const path = await file('short.csv', 'a,b\n1,2\n3\n');
    expect(await readCsvFast(Buffer.from('a,b\n1,2\n3\n'), path, { delimiter: ',' })).toBeUndefined();
    await expect(readDataset(path)).rejects.toThrow(new DataError(`${path}:3:2: record has 1 field but the header has 2 — add the missing fields (leave a field empty for a missing value) or check for an unclosed quote on an earlier line`));
  });

  test('a bad header is reported as the general parser reports it', async () => {
    const path = await file('dup.csv', 'a,a\n1,2\n');
    await expect(readDataset(path)).rejects.toThrow(/column 2 of the header, "a", has the same name as column 1/);
  });

  test('a header without rows is left to the general parser', async () => {
    const path = await file('header-only.csv', 'a,b\n');
    await expect(readDataset(path)).rejects.toThrow(/has a header line but no data rows/);
  });

  test('invalid UTF-8 is refused before parsing', async () => {
    const path = join(dir, 'latin1.csv');
    await writeFile(path, Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    await expect(readDataset(path)).rejects.toThrow(`data file ${path} is not valid UTF-8 text — re-save it with UTF-8 encoding`);
  });
});

describe('scanning in chunks on worker threads', () => {
  test('threads: none for small files, the cores (at most 8) shared among files read at once, or as asked', () => {
    const cores = Math.min(8, availableParallelism());
    expect(scanThreads(8 * 1024 * 1024 - 1, {})).toBe(0);
    expect(scanThreads(8 * 1024 * 1024, {})).toBe(cores);
    expect(scanThreads(1e9, { readers: 2 })).toBe(Math.max(1, Math.floor(cores / 2)));
    expect(scanThreads(1e9, { readers: 64 })).toBe(1);
    expect(scanThreads(100, { threads: 3, readers: 2 })).toBe(3);
  });

  // 3000 rows with every quirk spread over the chunks; line numbers must carry across them.
  function bigText(): string {
    const lines = ['id,x,y,name'];
    const rand = rng(7);
    for (let i = 0; i < 3000; i++) {
      const x = i % 97 === 0 ? 'NA' : i % 89 === 0 ? ' 1.5 ' : i % 83 === 0 ? '0.12345678901234567' : i % 79 === 0 ? '-0' : (rand() * 10 - 5).toFixed(3);
      lines.push(`${i},${x},${(rand() * 1e6).toFixed(1)},${i % 11 === 0 ? `"n, ""${i % 7}"""` : `n${i % 7}`}`);
      if (i % 500 === 0) lines.push('');
    }
    return lines.join('\r\n') + '\r\n';
  }

  test('four chunks give the single-thread result', async () => {
    const text = bigText();
    const path = await file('big.csv', text);
    const general = parseDataset(text, path);
    const fast = await readCsvFast(shared(text), path, { delimiter: ',', threads: 4 });
    expectSameDataset(fast!, general);
  });

  test('the row-major float32 matrix holds the columns asked for, row after row, from every chunk', async () => {
    const text = bigText();
    const fast = (await readCsvFast(shared(text), 'rm.csv', { delimiter: ',', threads: 3, rowMajor: { exclude: ['y'] } }))!;
    const m = fast.rowMajor!.data;
    expect(fast.rowMajor!.columns.map((c) => c.name)).toEqual(['id', 'x', 'name']);
    const w = 3;
    expect(m.length).toBe(fast.rowCount * w);
    for (let c = 0; c < w; c++) {
      const col = fast.rowMajor!.columns[c];
      const expected = col.kind === 'numeric' ? Float32Array.from(col.values) : new Float32Array(fast.rowCount).fill(NaN);
      const got = Float32Array.from({ length: fast.rowCount }, (_, r) => m[r * w + c]);
      expect(show32(got)).toEqual(show32(expected));
    }
  });

  test('a line break inside quotes in a later chunk still hands the file to the general parser', async () => {
    const text = bigText() + '1,2,3,"x\r\ny"\r\n';
    expect(await readCsvFast(shared(text), 'q.csv', { delimiter: ',', threads: 3 })).toBeUndefined();
  });

  test('the worker code runs on its own and scans as this thread does', async () => {
    const bytes = shared(bigText());
    const start = bytes.indexOf(10) + 1;
    const task = { bytes, start, end: bytes.length, ncols: 4, delimiter: 44, skip: Uint8Array.from([0, 0, 0, 1]) };
    const fromWorker = await new Promise<{ result: ScanResult }>((resolve, reject) => {
      const w = new Worker(scanWorkerSource(), { eval: true, workerData: task });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const here = scanCsvNumbers(bytes, start, bytes.length, 4, 44, task.skip, 0);
    expect(fromWorker.result.rows).toBe(3000);
    expect(Array.from(fromWorker.result.values[1])).toEqual(Array.from(here.values[1]));
    expect(Array.from(fromWorker.result.oddRows)).toEqual(Array.from(here.oddRows));
    expect(Array.from(fromWorker.result.values[2])).toEqual(Array.from(here.values[2]));
  });

  test('the worker code is self-contained', () => {
    const source = scanWorkerSource();
    expect(source).toContain('const scan = function scanCsvNumbers(');
    expect(source).not.toMatch(/\b(import|_\w+_js)\b/);
  });
});
