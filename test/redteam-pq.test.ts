import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { Compression, readParquet, writeParquet, WriterPropertiesBuilder, WriterVersion } from 'parquet-wasm';
import { readDataset } from '../src/data/read.js';
import type { Column } from '../src/types.js';
const fx = (...p: string[]) => path.join(process.cwd(), 'fixtures', 'parquet', ...p);
function plain(c: Column): unknown[] {
  if (c.kind === 'categorical') return [...c.values];
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : Number.isFinite(v) ? v : String(v)));
}
test('dictionary fallback mid-chunk', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rt-pq-'));
  const csv = await readDataset(fx('random.csv'));
  const out: string[] = [];
  for (const [dict, page, v] of [[64, 128, 1], [200, 300, 2], [1, 64, 1], [1024, 100000, 2]] as const) {
    const b = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(true).setDictionaryPageSizeLimit(dict).setDataPageSizeLimit(page).setWriteBatchSize(16).setMaxRowGroupSize(333).setWriterVersion(v === 1 ? WriterVersion.V1 : WriterVersion.V2);
    const bytes = writeParquet(readParquet(readFileSync(fx('random.parquet'))), b.build());
    const file = path.join(dir, `d${dict}-${page}-${v}.parquet`);
    await writeFile(file, bytes);
    const meta = parquetMetadata(bytes);
    const enc = [...new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.encodings.join('+'))))];
    let got;
    try { got = await readDataset(file); } catch (e) { out.push(`${file}: ${String(e)}`); continue; }
    for (const [k, want] of csv.columns.entries()) {
      const a = JSON.stringify(plain(got.columns[k]!)), w = JSON.stringify(plain(want));
      if (a !== w) out.push(`${file} col ${want.name}: differs ${a.slice(0, 200)} vs ${w.slice(0, 200)}`);
    }
    out.push(`${file} ok? encodings ${enc.join(' | ')}`);
  }
  appendFileSync('/tmp/redteam/pq.txt', out.join('\n') + '\n');
});
