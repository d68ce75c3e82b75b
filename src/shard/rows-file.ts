// A shard's rows as a file of their own, for a `command` model: the command reads the data file itself,
// so it is handed a copy holding the header and only this shard's records, byte for byte as written
// (quoting, line breaks and all), in the original's format. Array files (.npz, Parquet) have no lines
// to copy: sharding a command model over them is refused.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';
import type { Dataset } from '../types.js';

/**
 * Which physical lines (1-based) to keep: those before the first record (header, leading blank lines) and
 * every line of the kept records (`rows` ascending; a record runs to the line before the next record).
 */
export function lineKeeper(recordLines: ArrayLike<number>, rows: ArrayLike<number>): (line: number) => boolean {
  const first = recordLines.length > 0 ? recordLines[0] : Infinity;
  let k = 0;
  const end = (r: number) => (r + 1 < recordLines.length ? recordLines[r + 1] : Infinity);
  return (line) => {
    if (line < first) return true;
    while (k < rows.length && line >= end(rows[k])) k++;
    return k < rows.length && line >= recordLines[rows[k]];
  };
}

/** Copies the kept lines of `bytes` chunks; a line break (\n, \r\n or a lone \r, as the readers count them) belongs to the line it ends. */
export function lineFilter(keep: (line: number) => boolean): (chunk: Uint8Array) => Uint8Array[] {
  let line = 1;
  let kept = keep(1);
  // The last chunk ended in \r: a \n opening this one still belongs to the line that \r ended.
  let pendingCR = false;
  let endedKept = false;
  return (chunk) => {
    const out: Uint8Array[] = [];
    let from = 0;
    if (pendingCR && chunk.length > 0 && chunk[0] === 10) {
      if (endedKept) out.push(chunk.subarray(0, 1));
      from = 1;
    }
    pendingCR = false;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 10 && b !== 13) continue;
      let stop = i + 1;
      if (b === 13) {
        if (i + 1 < chunk.length) {
          if (chunk[i + 1] === 10) stop = i + 2;
        } else pendingCR = true;
      }
      if (kept) out.push(chunk.subarray(from, stop));
      endedKept = kept;
      i = stop - 1;
      from = stop;
      line++;
      kept = keep(line);
    }
    if (from < chunk.length && kept) out.push(chunk.subarray(from));
    return out;
  };
}

/** Writes the shard's rows of `d` (a text file) into a new temporary folder; returns the file's path. */
export async function writeRowsFile(d: Dataset, rows: Int32Array, input: string): Promise<string> {
  if (d.recordLines.length === 0) {
    throw new InputError(
      `\`shard\` with a \`command\` model needs ${input} as CSV, TSV or JSON Lines: the command reads the file itself, and ${quote(path.basename(d.path))} has no lines to hand it only this shard's rows. Convert it, or run the command unsharded.`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-shard-rows-'));
  const file = path.join(dir, path.basename(d.path));
  const filter = lineFilter(lineKeeper(d.recordLines, rows));
  const out = createWriteStream(file);
  try {
    for await (const chunk of createReadStream(d.path)) {
      // once() rejects on the stream's 'error', so a failed write cannot leave this waiting.
      for (const part of filter(chunk as Buffer)) if (!out.write(part)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    return file;
  } catch (e) {
    out.destroy();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
