import { mkdtemp, rm, writeFile, mkdir, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatOf, parseDataset, readDataset, selectFeatures } from '../../src/data/read.js';
import * as data from '../../src/data/index.js';
import { readFully } from '../../src/data/read-fully.js';
import { DataError } from '../../src/errors.js';
import type { NumericColumn } from '../../src/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-gate-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('readDataset', () => {
  test('reads a CSV into typed columns with record lines', async () => {
    const path = await file('eval.csv', 'id,x,label\r\n1,0.5,cat\r\n2,"1e3",dog\r\n3,NA,cat\r\n');
    const dataset = await readDataset(path);
    expect(dataset.path).toBe(path);
    expect(dataset.rowCount).toBe(3);
    expect(Array.from(dataset.recordLines)).toEqual([2, 3, 4]);
    expect(dataset.columns.map((c) => [c.name, c.kind, c.missing])).toEqual([
      ['id', 'numeric', 0],
      ['x', 'numeric', 1],
      ['label', 'categorical', 0]
    ]);
    expect(Array.from((dataset.columns[1] as NumericColumn).values)).toEqual([0.5, 1000, NaN]);
  });

  test('.tsv uses tab, .txt uses comma', async () => {
    const tsv = await readDataset(await file('eval.tsv', 'a\tb\n1,5\t2\n'));
    expect(tsv.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(tsv.columns[0]!.values).toEqual(['1,5']);
    const txt = await readDataset(await file('eval.txt', 'a,b\n1,2\n'));
    expect(txt.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric']);
  });

  test('upper-case extension and an explicit delimiter', async () => {
    const dataset = await readDataset(await file('EVAL.CSV', 'a;b\n1;2\n'), { delimiter: ';' });
    expect(dataset.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  test.each(['eval.jsonl', 'eval.ndjson', 'eval.json-lines'])('%s is JSON Lines', async (name) => {
    const dataset = await readDataset(await file(name, '{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n'));
    expect(dataset.rowCount).toBe(2);
    expect(dataset.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical']);
    expect(Array.from(dataset.recordLines)).toEqual([1, 2]);
  });

  test('categorical override keeps 0/1 labels as text, in CSV and JSON Lines', async () => {
    const csv = await readDataset(await file('labels.csv', 'x,y\n1,0\n2,1\n'), { categorical: ['y'] });
    expect(csv.columns[1]).toEqual({ name: 'y', kind: 'categorical', values: ['0', '1'], missing: 0 });
    const jsonl = await readDataset(await file('labels.jsonl', '{"x":1,"y":0}\n'), { categorical: ['y'] });
    expect(jsonl.columns[1]!.kind).toBe('categorical');
  });

  test('a categorical override naming an unknown column lists the available ones', async () => {
    const path = await file('cat.csv', 'x,y\n1,0\n');
    await expect(readDataset(path, { categorical: ['Y'] })).rejects.toThrow(
      `categorical override column "Y" is not in ${path} (did you mean "y"?); available columns: "x", "y"`
    );
  });

  test('missing file', async () => {
    const path = join(dir, 'nope.csv');
    await expect(readDataset(path)).rejects.toThrow(new DataError(`data file not found: ${path} — check the \`data\` input / --data path`));
  });

  test('a directory', async () => {
    const path = join(dir, 'adir.csv');
    await mkdir(path);
    await expect(readDataset(path)).rejects.toThrow(`data file ${path} is a directory`);
  });

  test('unknown extension lists the supported ones, before touching the disk', async () => {
    await expect(readDataset(join(dir, 'nope.xlsx'))).rejects.toThrow(
      'has the unsupported extension ".xlsx" — supported extensions: .csv, .txt, .tsv, .jsonl, .ndjson, .json-lines, .npz, .parquet'
    );
    await expect(readDataset(join(dir, 'data.json'))).rejects.toThrow('unsupported extension ".json"');
    expect(() => formatOf('/x/Makefile')).toThrow('has no extension — supported extensions: .csv');
  });

  test.each([
    ['empty.csv', '', 'is empty: the dataset has no rows'],
    ['bom.csv', '\ufeff\r\n', 'is empty: the dataset has no rows'],
    ['header.csv', 'a,b,c\n', 'has a header line but no data rows: the dataset has no rows'],
    ['header-blank.csv', 'a,b,c\r\n\r\n\r\n', 'has a header line but no data rows: the dataset has no rows'],
    ['empty.jsonl', '\n\n', 'is empty: the dataset has no rows']
  ])('%s: no rows', async (name, content, message) => {
    const path = await file(name, content);
    await expect(readDataset(path)).rejects.toThrow(`data file ${path} ${message}`);
  });

  test('parse errors name the file', async () => {
    const path = await file('bad.csv', 'a,b\n1,2\n3\n');
    await expect(readDataset(path)).rejects.toThrow(`${path}:3:2: record has 1 field but the header has 2`);
  });

  test('invalid UTF-8 and UTF-16 are DataErrors', async () => {
    const latin1 = await file('latin1.csv', Uint8Array.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(readDataset(latin1)).rejects.toThrow(`data file ${latin1} is not valid UTF-8 text`);
    const utf16 = await file('utf16.csv', Uint8Array.from([0xff, 0xfe, 0x61, 0x00]));
    await expect(readDataset(utf16)).rejects.toThrow(`data file ${utf16} is UTF-16 text`);
  });

  test('a UTF-8 BOM in the file is dropped', async () => {
    const dataset = await readDataset(await file('bom-data.csv', '\ufeffid,v\n1,2\n'));
    expect(dataset.columns[0]!.name).toBe('id');
  });
});

describe('parseDataset', () => {
  test('same as readDataset without I/O', () => {
    const dataset = parseDataset('a,b\n1,x\n', 'mem.csv');
    expect(dataset).toEqual({
      path: 'mem.csv',
      rowCount: 1,
      columns: [
        { name: 'a', kind: 'numeric', values: Float64Array.from([1]), raw: ['1'], missing: 0 },
        { name: 'b', kind: 'categorical', values: ['x'], missing: 0 }
      ],
      recordLines: Int32Array.from([2])
    });
  });
});

describe('selectFeatures', () => {
  const dataset = parseDataset('id,f1,label,f2,f3\n1,0.1,a,2,x\n2,0.2,b,3,y\n', 'eval.csv');
  const col = (name: string) => dataset.columns.find((c) => c.name === name)!;

  test('default features are every column except label and id, in file order', () => {
    const selected = selectFeatures(dataset, { label: 'label', id: 'id' });
    expect(selected.label).toBe(col('label'));
    expect(selected.id).toBe(col('id'));
    expect(selected.features.map((c) => c.name)).toEqual(['f1', 'f2', 'f3']);
  });

  test('without id, the id column is a feature and no id key is set', () => {
    const selected = selectFeatures(dataset, { label: 'label' });
    expect(selected.features.map((c) => c.name)).toEqual(['id', 'f1', 'f2', 'f3']);
    expect('id' in selected).toBe(false);
  });

  test('listed features keep the listed order', () => {
    expect(selectFeatures(dataset, { label: 'label', features: ['f3', 'f1'] }).features.map((c) => c.name)).toEqual(['f3', 'f1']);
  });

  test('unknown names list the available columns', () => {
    expect(() => selectFeatures(dataset, { label: 'target' })).toThrow(
      'label column "target" is not in eval.csv; available columns: "id", "f1", "label", "f2", "f3"'
    );
    expect(() => selectFeatures(dataset, { label: 'label', id: 'ID' })).toThrow(
      'id column "ID" is not in eval.csv (did you mean "id"?); available columns: "id", "f1", "label", "f2", "f3"'
    );
    expect(() => selectFeatures(dataset, { label: 'label', features: ['f1', 'f9'] })).toThrow(
      'feature column "f9" is not in eval.csv; available columns: "id", "f1", "label", "f2", "f3"'
    );
  });

  test('clashing roles', () => {
    expect(() => selectFeatures(dataset, { label: 'label', features: ['f1', 'label'] })).toThrow('is the label and cannot also be a feature');
    expect(() => selectFeatures(dataset, { label: 'label', id: 'id', features: ['id'] })).toThrow('is the id and cannot also be a feature');
    expect(() => selectFeatures(dataset, { label: 'label', id: 'label' })).toThrow('named as both the label and the id');
    expect(() => selectFeatures(dataset, { label: 'label', features: ['f1', 'f1'] })).toThrow('feature column "f1" is listed twice');
  });

  test('no features left', () => {
    const two = parseDataset('id,y\n1,2\n', 'two.csv');
    expect(() => selectFeatures(two, { label: 'y', id: 'id' })).toThrow('two.csv has no feature columns besides the label and id; available columns: "id", "y"');
    expect(() => selectFeatures(dataset, { label: 'label', features: [] })).toThrow('has no feature columns');
  });
});

test('index re-exports the public functions', () => {
  expect(Object.keys(data).sort()).toEqual(
    [
      'MISSING_TOKENS', 'SUPPORTED_EXTENSIONS', 'firstNonNumeric', 'formatOf', 'isMissingToken', 'parseCsv', 'parseDataset',
      'parseDecimal', 'parseJsonl', 'readDataset', 'selectFeatures', 'typeColumn', 'typeColumns'
    ].sort()
  );
});

describe('readFully', () => {
  test('asks for at most 2^30 bytes a read: Node aborts the whole process on a read longer than 2^31 - 1', async () => {
    // A 3 GiB target, never allocated: only its length is read, and the file handle fills nothing.
    const target = { length: 3 * 2 ** 30 } as Uint8Array;
    const asked: number[] = [];
    const file = {
      read: async (_buffer: Uint8Array, _offset: number, length: number) => {
        asked.push(length);
        return { bytesRead: length, buffer: _buffer };
      },
    } as unknown as FileHandle;
    expect(await readFully(file, target, 0)).toBe(3 * 2 ** 30);
    expect(asked).toEqual([2 ** 30, 2 ** 30, 2 ** 30]);
  });
});

describe('untrusted names in messages are quoted on one line and shortened', () => {
  const commandLines = (message: string) => message.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line));

  test('a categorical override that names no column: a hostile name, and a file of 300 long column names', async () => {
    const names = Array.from({ length: 300 }, (_, k) => `c${k}_${'x'.repeat(300)}`);
    const path = await file('wide.csv', `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
    const error = await readDataset(path, { categorical: ['y\n::error::x'] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DataError);
    const message = (error as Error).message;
    expect(message.startsWith(`categorical override column "y\\n::error::x" is not in ${path}; available columns: "c0_${'x'.repeat(197)}… (+103 characters)", "c1_`)).toBe(true);
    expect(message).toMatch(/, … and 29\d more$/);
    expect(message.length).toBeLessThan(2000);
    expect(commandLines(message)).toEqual([]);
  });

  test('selectFeatures: label, id and feature names from a config', () => {
    const dataset = parseDataset('id,f1,label\n1,2,a\n', 'eval.csv');
    expect(() => selectFeatures(dataset, { label: 'label\n::error::x' })).toThrow('label column "label\\n::error::x" is not in eval.csv; available columns: "id", "f1", "label"');
    expect(() => selectFeatures(dataset, { label: 'label', features: ['f1', 'f1'] })).toThrow('feature column "f1" is listed twice');
  });
});
