// Hashes of the files that make up a model, for the changelog and for "did it change at all".

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ModelFile } from '../types.js';

export async function describeFiles(paths: string[]): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  for (const p of paths) {
    const bytes = await readFile(p);
    out.push({ path: p, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  return out;
}

/** One digest for a multi-file model: sha256 over the sorted per-file digests. */
export function combinedDigest(files: ModelFile[]): string {
  if (files.length === 1) return files[0].sha256;
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(f.sha256);
  return h.digest('hex');
}
