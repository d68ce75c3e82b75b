// A second, independent writer: parquet-wasm (Rust's parquet crate) re-encodes random.parquet (pyarrow)
// in every codec × encoding × data-page version, with seeded random row-group and page sizes, and the
// reader must give the same Dataset as random.csv (pandas' to_csv of the same frame) every time.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { Compression, Encoding, readParquet, writeParquet, WriterPropertiesBuilder, WriterVersion } from 'parquet-wasm';
import { readDataset } from '../../src/data/read.js';
import type { Column, Dataset } from '../../src/types.js';
import { rng } from '../support/rng.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', 'parquet', ...p);
let dir: string;
let csv: Dataset;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'model-gate-parquet-wasm-'));
  csv = await readDataset(fx('random.csv'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plain(c: Column): unknown[] {
  if (c.kind === 'categorical') return [...c.values];
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : Number.isFinite(v) ? v : String(v)));
}

const CODECS: Record<string, Compression> = {
  uncompressed: Compression.UNCOMPRESSED,
  snappy: Compression.SNAPPY,
  gzip: Compression.GZIP,
  zstd: Compression.ZSTD,
  brotli: Compression.BROTLI,
  lz4_raw: Compression.LZ4_RAW,
};

/** Column encodings when the dictionary is off: the plain one, or each type's delta / split encoding. */
const DELTA: Record<string, Encoding> = {
  id: Encoding.DELTA_BINARY_PACKED,
  i64: Encoding.DELTA_BINARY_PACKED,
  i32: Encoding.DELTA_BINARY_PACKED,
  nint: Encoding.DELTA_BINARY_PACKED,
  f64: Encoding.BYTE_STREAM_SPLIT,
  score: Encoding.BYTE_STREAM_SPLIT,
  word: Encoding.DELTA_BYTE_ARRAY,
  cat: Encoding.DELTA_LENGTH_BYTE_ARRAY,
  numtext: Encoding.DELTA_LENGTH_BYTE_ARRAY,
  flag: Encoding.RLE,
};

const cases = Object.keys(CODECS).flatMap((codec) => ['dictionary', 'plain', 'delta'].flatMap((encoding) => ['v1', 'v2'].map((version) => [codec, encoding, version] as const)));

test.each(cases)('parquet-wasm %s, %s encoding, data pages %s: the Dataset of random.csv', async (codec, encoding, version) => {
  const random = rng(cases.findIndex((c) => c[0] === codec && c[1] === encoding && c[2] === version) + 1);
  const groupRows = 1 + Math.floor(random() * 400);
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[codec]!)
    .setDictionaryEnabled(encoding === 'dictionary')
    .setWriterVersion(version === 'v1' ? WriterVersion.V1 : WriterVersion.V2)
    .setMaxRowGroupSize(groupRows)
    .setDataPageSizeLimit(256 + Math.floor(random() * 4096))
    .setWriteBatchSize(64);
  if (encoding === 'delta') for (const [name, e] of Object.entries(DELTA)) builder = builder.setColumnEncoding(name, e);
  const table = readParquet(readFileSync(fx('random.parquet')));
  const bytes = writeParquet(table, builder.build());
  const file = path.join(dir, `${codec}-${encoding}-${version}.parquet`);
  await writeFile(file, bytes);

  const got = await readDataset(file);
  expect(got.rowCount).toBe(csv.rowCount);
  expect(got.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(csv.columns.map((c) => `${c.name}:${c.kind}`));
  for (const [k, want] of csv.columns.entries()) {
    expect({ name: got.columns[k]!.name, values: plain(got.columns[k]!) }).toEqual({ name: want.name, values: plain(want) });
    expect(got.columns[k]!.missing).toBe(want.missing);
  }
  // The file really is what the case says: its row groups, codec and encodings (read from its footer).
  const meta = parquetMetadata(bytes);
  expect(meta.row_groups.length).toBe(Math.ceil(1000 / groupRows));
  const chunks = meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!));
  expect(new Set(chunks.map((c) => c.codec))).toEqual(new Set([codec.toUpperCase()]));
  const encodings = new Set(chunks.flatMap((c) => c.encodings));
  if (encoding === 'dictionary') expect(encodings.has('RLE_DICTIONARY') || encodings.has('PLAIN_DICTIONARY')).toBe(true);
  if (encoding === 'delta') for (const e of ['DELTA_BINARY_PACKED', 'BYTE_STREAM_SPLIT', 'DELTA_BYTE_ARRAY', 'DELTA_LENGTH_BYTE_ARRAY']) expect(encodings).toContain(e);
  if (encoding !== 'dictionary') expect(encodings.has('RLE_DICTIONARY') || encodings.has('PLAIN_DICTIONARY')).toBe(false);
});
