// Reading shard results: from folders (the CLI's --shards, a downloaded artifact) or from bytes (an
// artifact's zip in memory). A file that is not a shard result is an InputError naming it.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { quote } from '../untrusted.js';
import type { NamedPartial } from './merge.js';
import { decodePartial, PARTIAL_FILE } from './partial.js';
import { unzipMembers } from './unzip.js';

/** A folder holding model-gate-shard.npz, or the file itself. */
export async function readPartialAt(where: string): Promise<NamedPartial> {
  const info = await stat(where).catch(() => undefined);
  if (info === undefined) throw new InputError(`shard result ${quote(where)} not found: give each shard run's shard-dir (or its ${PARTIAL_FILE}).`);
  const file = info.isDirectory() ? path.join(where, PARTIAL_FILE) : where;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new InputError(`cannot read shard result ${quote(file)}: ${messageOf(e)}`);
  }
  return { source: where, partial: decodeNamed(bytes, file) };
}

/** The shard result inside an artifact's zip (upload-artifact zips the shard-dir's files). */
export function partialFromArtifactZip(zip: Uint8Array, name: string, maxBytes: number): NamedPartial {
  let files: Map<string, Uint8Array>;
  try {
    files = unzipMembers(zip, { maxUnpackedBytes: maxBytes, maxEntries: 16 });
  } catch (e) {
    throw new InputError(`artifact ${quote(name)} ${messageOf(e)}`);
  }
  const bytes = files.get(PARTIAL_FILE);
  if (bytes === undefined) throw new InputError(`artifact ${quote(name)} holds no ${PARTIAL_FILE} (it holds ${[...files.keys()].slice(0, 5).map((k) => quote(k)).join(', ') || 'nothing'}): upload the shard run's shard-dir output.`);
  return { source: name, partial: decodeNamed(bytes, `artifact ${name}`) };
}

function decodeNamed(bytes: Uint8Array, file: string): NamedPartial['partial'] {
  try {
    return decodePartial(bytes);
  } catch (e) {
    throw new InputError(`shard result ${quote(file)} ${messageOf(e)}`);
  }
}
