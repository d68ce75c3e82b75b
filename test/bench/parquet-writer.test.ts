// The benchmark's Parquet files come from parquet-wasm fed a hand-laid Arrow IPC stream
// (scripts/bench-parquet.mjs). Read back here with hyparquet: every value, the types and snappy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { mixedDoubles } from '../../scripts/bench-pandas-repr.mjs';
import { arrowIpc, writeParquetFile } from '../../scripts/bench-parquet.mjs';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bench-parquet-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arrayBuffer = (file: string) => {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

test('int64 and float64 columns round-trip bit for bit through parquet-wasm, snappy', async () => {
  const n = 5000;
  const id = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_003n - 7n);
  const score = mixedDoubles(n);
  const file = path.join(dir, 'a.parquet');
  await writeParquetFile(file, { id, score });
  const ab = arrayBuffer(file);
  const meta = parquetMetadata(ab);
  expect(meta.schema.slice(1).map((s) => [s.name, s.type, s.repetition_type])).toEqual([
    ['id', 'INT64', 'REQUIRED'],
    ['score', 'DOUBLE', 'REQUIRED'],
  ]);
  expect(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec))).toEqual(['SNAPPY', 'SNAPPY']);
  const rows = (await parquetReadObjects({ file: ab })) as { id: bigint; score: number }[];
  expect(rows.length).toBe(n);
  const wrong = rows.filter((r, i) => r.id !== id[i] || !Object.is(r.score, score[i]) && !(Number.isNaN(r.score) && Number.isNaN(score[i])));
  expect(wrong.slice(0, 3)).toEqual([]);
});

test('the IPC stream is 8-byte framed: continuation markers and the end-of-stream marker', () => {
  const ipc = arrowIpc({ x: Float64Array.from([1, 2, 3]) });
  const view = new DataView(ipc.buffer);
  expect(view.getUint32(0, true)).toBe(0xffffffff);
  const metaLength = view.getInt32(4, true);
  expect(metaLength % 8).toBe(0);
  expect(ipc.byteLength % 8).toBe(0);
  expect([...ipc.slice(-8)]).toEqual([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
});
