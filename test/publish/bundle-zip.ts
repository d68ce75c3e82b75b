// The bundle tests' archives, as actions/upload-artifact writes them: deflated (or stored) entries.
import { zipBytes } from '../support/zip-writer.js';

export function makeZip(files: Record<string, string | Buffer>, deflate = true): Buffer {
  return zipBytes(Object.entries(files).map(([name, content]) => ({ name, data: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), deflate })));
}
