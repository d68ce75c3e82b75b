// measureDataDrift sorts and walks the numeric features on worker threads before driftReport runs
// (stats/presort.ts). numericSamples must hand over exactly the arrays driftReport reads, and the
// report must be the one the calling thread makes alone, to the last bit.

import { driftReport, numericSamples } from '../../src/analysis/drift.js';
import { parseDataset } from '../../src/data/read.js';
import { presortPairs } from '../../src/stats/presort.js';
import { rng } from '../support/rng.js';

function csv(seed: number, rows: number, shift: number): string {
  const next = rng(seed);
  const lines = ['id,x,y,ties,colour,spiky,label'];
  for (let r = 0; r < rows; r++) {
    const g = next() + next() + next() - 1.5;
    const x = r % 53 === 0 ? '' : String(g + shift);
    const spiky = r === 7 ? (seed % 2 === 0 ? 'inf' : '-inf') : String(next());
    lines.push(`${r},${x},${(next() * 10).toFixed(2)},${Math.round(g * 4)},${['red', 'green', 'blue'][r % 3]},${spiky},${next() < 0.3 + shift ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

test('numericSamples gives the numeric features driftReport tests, as the same arrays', () => {
  const reference = parseDataset(csv(1, 300, 0), 'ref.csv');
  const current = parseDataset(csv(2, 200, 0.2), 'cur.csv');
  const column = (d: typeof reference, name: string): unknown => d.columns.find((c) => c.name === name)!.values;
  const pairs = numericSamples(reference, current, { exclude: ['id', 'label'] });
  // colour is text; spiky has an infinity (driftReport tests a copy without it, made then, but reads
  // the column's own sorted form first).
  expect(pairs).toHaveLength(4);
  for (const [k, name] of ['x', 'y', 'ties', 'spiky'].entries()) {
    expect(pairs[k][0]).toBe(column(reference, name));
    expect(pairs[k][1]).toBe(column(current, name));
  }
  expect(numericSamples(reference, current, { columns: ['label'] }).map(([a]) => a)).toEqual([column(reference, 'label')]);
});

test('the report after presorting on two threads is the report without it', async () => {
  const text = [csv(3, 4000, 0), csv(4, 3000, 0.1)];
  const [reference, current] = text.map((t, k) => parseDataset(t, `${k}.csv`));
  const [reference0, current0] = text.map((t, k) => parseDataset(t, `${k}.csv`));
  await presortPairs(numericSamples(reference, current, { exclude: ['id'] }), 2);
  const options = { exclude: ['id'], tests: { y: 'ks' as const } };
  expect(driftReport(reference, current, options)).toEqual(driftReport(reference0, current0, options));
});
