// combinedDigest names a model by its files, whatever order they were listed in.

import { createHash } from 'node:crypto';
import { combinedDigest } from '../src/digest.js';

const file = (path: string, text: string) => ({ path, sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length });

test('one file: its own digest; several: sha256 over the per-file digests in path order', () => {
  const a = file('model/group1-shard1of1.bin', 'weights');
  const b = file('model/model.json', '{}');
  expect(combinedDigest([a])).toBe(a.sha256);
  const expected = createHash('sha256').update(a.sha256).update(b.sha256).digest('hex');
  expect(combinedDigest([a, b])).toBe(expected);
  expect(combinedDigest([b, a])).toBe(expected);
  expect(combinedDigest([a, { ...b, sha256: a.sha256 }])).not.toBe(expected);
});
