import { appendFileSync } from 'node:fs';
import { readDataset } from '../src/data/read.js';
test('raw', async () => {
  const d = await readDataset('fixtures/parquet/types.parquet');
  const out = d.columns.filter((c) => c.kind === 'numeric').map((c) => `${c.name}: ${JSON.stringify((c as any).raw)}`);
  appendFileSync('/tmp/redteam/raw.txt', out.join('\n') + '\n');
});
