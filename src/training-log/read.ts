// readTrainingLog: one entry point for the three formats, chosen by what the path is.
//
// 1. A folder → TensorBoard (every *tfevents* file below it).
// 2. A file whose name contains "tfevents" → one TensorBoard event file.
// 3. .json → Keras History JSON; .csv → CSVLogger (','); .tsv → CSVLogger (tab).
// 4. Anything else is sniffed: a valid TFRecord header → TensorBoard; text starting with '{' →
//    History JSON; a first line starting with "epoch" → CSVLogger, its separator being the
//    character after "epoch" (CSVLogger's own example names its file training.log).

import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { at, DataError } from '../errors.js';
import { readKerasCsv } from './keras-csv.js';
import { readKerasHistory } from './keras-history.js';
import { readTensorBoard, tensorBoardLog } from './tensorboard.js';
import { looksLikeTfRecord } from './tfrecord.js';
import type { TrainingLog } from './types.js';

export interface ReadTrainingLogOptions {
  /** CSVLogger separator, when it is not the default for the extension. */
  separator?: string;
}

const utf8 = new TextDecoder('utf-8');

export async function readTrainingLog(path: string, options: ReadTrainingLogOptions = {}): Promise<TrainingLog> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError(`${at(path)}: training log not found (no such file or folder)`);
    throw new DataError(`${at(path)}: cannot read the training log (${code ?? String(error)})`);
  }
  if (info.isDirectory() || basename(path).includes('tfevents')) return readTensorBoard(path);

  const bytes = await readFile(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return readKerasHistory(utf8.decode(bytes), path);
  if (ext === '.csv') return readKerasCsv(utf8.decode(bytes), path, { separator: options.separator ?? ',' });
  if (ext === '.tsv') return readKerasCsv(utf8.decode(bytes), path, { separator: options.separator ?? '\t' });

  if (looksLikeTfRecord(bytes)) return tensorBoardLog(path, [{ run: '', path, bytes }]);
  const text = utf8.decode(bytes).replace(/^\ufeff/, '');
  const start = text.trimStart();
  if (start.startsWith('{')) return readKerasHistory(text, path);
  const firstLine = start.split(/\r?\n|\r/, 1)[0] ?? '';
  const m = /^"?epoch"?(.)/.exec(firstLine);
  if (m !== null) return readKerasCsv(text, path, { separator: options.separator ?? m[1]! });
  throw new DataError(
    `${at(path)}: not a training log this tool reads — expected a Keras History JSON (.json), a CSVLogger file ` +
      `(header starting with "epoch"), or TensorBoard event files (a log folder or a *tfevents* file)`
  );
}
