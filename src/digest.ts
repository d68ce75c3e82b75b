// One digest for a model's files, shared by engines/ (which hashes them) and report/ (which names a
// model by it): pure, so the renderers need not import a module that reads files.

import { createHash } from 'node:crypto';
import type { ModelFile } from './types.js';

/** One digest for a multi-file model: sha256 over the sorted per-file digests. */
export function combinedDigest(files: ModelFile[]): string {
  if (files.length === 1) return files[0].sha256;
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(f.sha256);
  return h.digest('hex');
}
