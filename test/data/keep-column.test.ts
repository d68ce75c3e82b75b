// ReadOptions.keepColumn: the columns it refuses are absent from the Dataset, in every format, and
// the kept ones are exactly what reading everything gives.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../../src/data/read.js';
import type { Column } from '../../src/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'model-gate-keep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

const show = (c: Column) => ({ name: c.name, kind: c.kind, missing: c.missing, values: Array.from(c.values as ArrayLike<unknown>), raw: c.kind === 'numeric' ? c.raw : undefined });

describe('keepColumn', () => {
  const cases: Record<string, string> = {
    'fast CSV': 'id,x,label,note\n1,0.5,1.0,a\n2,NA,0,b\n3,1e3,1,"c, d"\n',
    'CSV for the general parser (a line break inside quotes)': 'id,x,label,note\n1,0.5,1.0,"a\nb"\n2,NA,0,b\n',
    'JSON Lines': '{"id":1,"x":0.5,"label":1,"note":"a"}\n{"id":2,"x":null,"label":0,"note":"b"}\n'
  };
  for (const [name, text] of Object.entries(cases)) {
    test(`${name}: only the kept columns, each as reading everything gives it`, async () => {
      const p = await file(`${name.replace(/\W+/g, '-')}.${name === 'JSON Lines' ? 'jsonl' : 'csv'}`, text);
      const asked: string[] = [];
      const kept = await readDataset(p, {
        keepColumn: (n) => {
          asked.push(n);
          return n === 'id' || n === 'label';
        }
      });
      const all = await readDataset(p);
      expect(kept.columns.map((c) => c.name)).toEqual(['id', 'label']);
      expect(kept.columns.map(show)).toEqual(all.columns.filter((c) => c.name === 'id' || c.name === 'label').map(show));
      expect(kept.rowCount).toBe(all.rowCount);
      expect(Array.from(kept.recordLines)).toEqual(Array.from(all.recordLines));
      expect(new Set(asked)).toEqual(new Set(['id', 'x', 'label', 'note']));
    });
  }

  test('.npz: the arrays refused are left out', async () => {
    const p = path.join(root, 'fixtures', 'npz', 'dtypes.npz');
    const all = await readDataset(p);
    const names = all.columns.map((c) => c.name);
    const want = new Set(names.slice(0, 2));
    const kept = await readDataset(p, { keepColumn: (n) => want.has(n) });
    expect(kept.columns.map(show)).toEqual(all.columns.filter((c) => want.has(c.name)).map(show));
  });

  test('a left-out column is not in the row-major matrix either', async () => {
    const p = await file('rm.csv', 'id,x,z,label\n1,0.5,7,1\n2,1.5,8,0\n');
    const d = await readDataset(p, { keepColumn: (n) => n !== 'z', rowMajor: { exclude: ['id', 'label'] } });
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'x', 'label']);
    expect(d.rowMajor!.columns.map((c) => c.name)).toEqual(['x']);
    expect(Array.from(d.rowMajor!.data)).toEqual([0.5, 1.5]);
  });

  test('a categorical override of a kept column that is not there is still an error; of a left-out one it is not', async () => {
    const p = await file('cat.csv', 'id,label\n1,1\n2,0\n');
    await expect(readDataset(p, { categorical: ['lable'], keepColumn: () => true })).rejects.toThrow(/categorical override column "lable" is not in/);
    const d = await readDataset(p, { categorical: ['label', 'other'], keepColumn: (n) => n !== 'other' });
    expect(d.columns.map((c) => [c.name, c.kind])).toEqual([
      ['id', 'numeric'],
      ['label', 'categorical']
    ]);
  });
});
