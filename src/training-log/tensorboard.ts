// TensorBoard event files → TrainingLog.
//
// What counts as a scalar:
// - a TF1 `simple_value`;
// - a TF2 tensor value (what `tf.summary.scalar` writes: a rank-0 DT_FLOAT tensor, in `tensor_content`
//   or `float_val`) whose tag belongs to the `scalars` plugin or has data_class DATA_CLASS_SCALAR.
//   Writers put the metadata on the first value of a tag only, so the plugin is remembered per run
//   and tag. A tensor whose tag never had metadata counts when it is a one-element number;
//   tags of other plugins (images, histograms, text, Keras model config) are skipped.
//
// Names follow Keras. The TensorBoard callback writes `epoch_loss`, `epoch_accuracy`, … into
// `train/` and `validation/`; those become `loss`, `accuracy` and `val_loss`, `val_accuracy`, as in
// `history.history`. Every other tag is prefixed with its folder relative to the log root
// (`train/batch_loss`, `validation/evaluation_loss_vs_iterations`); deeper layouts keep the
// leading folders (`run1/train/epoch_loss` → `run1/loss`).
//
// A step written more than once (a run resumed from a checkpoint, several files in one folder)
// keeps the point with the latest wall time; on a tie, the one read last.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { at, DataError } from '../errors.js';
import { DATA_CLASS_SCALAR, decodeEvent, tensorScalar } from './event.js';
import { ProtoError } from './protobuf.js';
import { readTfRecords } from './tfrecord.js';
import type { TrainingLog, TrainingPoint } from './types.js';
import { quote } from '../untrusted.js';

export interface ScalarEvent {
  tag: string;
  step: number;
  value: number;
  wallTime: number;
}

export interface EventFileScalars {
  scalars: ScalarEvent[];
  warnings: string[];
}

/** One event file in memory. `run` is its folder relative to the log root, '/'-separated ('' for the root). */
export interface EventFile {
  run: string;
  path: string;
  bytes: Uint8Array;
}

/**
 * The scalars in one event file. `plugins` maps tag → plugin name (or 'scalars' for data_class
 * SCALAR) across the files of one run; it is updated as metadata is seen.
 */
export function readEventFileScalars(bytes: Uint8Array, source: string, plugins = new Map<string, string>()): EventFileScalars {
  const { records, warnings } = readTfRecords(bytes, source);
  const scalars: ScalarEvent[] = [];
  const badTags = new Set<string>();
  records.forEach((record, index) => {
    let event;
    try {
      event = decodeEvent(record.data, record.offset + 12);
    } catch (error) {
      if (!(error instanceof ProtoError)) throw error;
      throw new DataError(`${at(source)}: the record at byte offset ${record.offset} is not a valid Event protobuf: ${error.message}`);
    }
    if (index === 0 && !(event.fileVersion ?? '').startsWith('brain.Event:')) {
      warnings.push(`${at(source)}: the first record is not a "brain.Event:" file_version event; read it as an event file anyway`);
    }
    for (const v of event.values) {
      if (v.pluginName !== undefined || v.dataClass !== undefined) {
        const scalar = v.pluginName === 'scalars' || v.dataClass === DATA_CLASS_SCALAR;
        plugins.set(v.tag, scalar ? 'scalars' : (v.pluginName ?? ''));
      }
      let value: number | undefined;
      if (v.simpleValue !== undefined) value = v.simpleValue;
      else if (v.tensor !== undefined) {
        const plugin = plugins.get(v.tag);
        if (plugin !== undefined && plugin !== 'scalars') continue;
        value = tensorScalar(v.tensor);
        if (value === undefined) {
          if (plugin === 'scalars' && !badTags.has(v.tag)) {
            badTags.add(v.tag);
            warnings.push(
              `${at(source)}: tag ${quote(v.tag)} (scalars plugin) at step ${event.step} holds a tensor that is not one number ` +
                `(dtype ${v.tensor.dtype}, shape [${v.tensor.shape.join(', ')}]); its values were skipped`
            );
          }
          continue;
        }
      } else continue;
      scalars.push({ tag: v.tag, step: event.step, value, wallTime: event.wallTime });
    }
  });
  return { scalars, warnings };
}

/** The series name for a tag written into `run` (see the header comment). */
export function seriesName(run: string, tag: string): string {
  const parts = run.split('/').filter((p) => p !== '');
  const last = parts.at(-1);
  if ((last === 'train' || last === 'validation') && tag.startsWith('epoch_') && tag.length > 'epoch_'.length) {
    const metric = tag.slice('epoch_'.length);
    const name = last === 'validation' ? `val_${metric}` : metric;
    const prefix = parts.slice(0, -1).join('/');
    return prefix === '' ? name : `${prefix}/${name}`;
  }
  return parts.length === 0 ? tag : `${parts.join('/')}/${tag}`;
}

/** Builds a TrainingLog from event files already in memory (readTensorBoard without the I/O). */
export function tensorBoardLog(source: string, files: EventFile[]): TrainingLog {
  const warnings: string[] = [];
  const pluginsByRun = new Map<string, Map<string, string>>();
  const byName = new Map<string, Map<number, TrainingPoint>>();
  for (const file of files) {
    let plugins = pluginsByRun.get(file.run);
    if (plugins === undefined) pluginsByRun.set(file.run, (plugins = new Map()));
    const read = readEventFileScalars(file.bytes, file.path, plugins);
    warnings.push(...read.warnings);
    for (const s of read.scalars) {
      const name = seriesName(file.run, s.tag);
      let points = byName.get(name);
      if (points === undefined) byName.set(name, (points = new Map()));
      const earlier = points.get(s.step);
      if (earlier === undefined || (earlier.wallTime ?? -Infinity) <= s.wallTime) {
        points.set(s.step, { step: s.step, value: s.value, wallTime: s.wallTime });
      }
    }
  }
  if (byName.size === 0) {
    throw new DataError(`${at(source)}: no scalar summaries in ${files.length} event file(s) — nothing to read as a training curve`);
  }
  const series: Record<string, TrainingPoint[]> = {};
  for (const name of [...byName.keys()].sort()) {
    series[name] = [...byName.get(name)!.values()].sort((a, b) => a.step - b.step);
  }
  return { source, format: 'tensorboard', series, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** All files whose name contains "tfevents" under `root`, recursively, sorted by path. Symlinks are not followed. */
export async function findEventFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.includes('tfevents')) found.push(full);
    }
  };
  await walk(root);
  return found.sort();
}

/**
 * Reads a TensorBoard log folder (every `*tfevents*` file below it, as Keras's TensorBoard
 * callback lays them out in train/ and validation/) or a single event file. A single file in a
 * folder named train or validation gets that folder's Keras names.
 */
export async function readTensorBoard(path: string): Promise<TrainingLog> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new DataError(`${at(path)}: no such file or folder`);
  let files: EventFile[];
  if (info.isDirectory()) {
    const paths = await findEventFiles(path);
    if (paths.length === 0) {
      throw new DataError(`${at(path)}: no TensorBoard event files (names containing "tfevents") in this folder or below it`);
    }
    files = await Promise.all(
      paths.map(async (p) => ({ run: relative(path, dirname(p)).split(sep).join('/'), path: p, bytes: await readFile(p) }))
    );
  } else {
    const folder = basename(dirname(path));
    const run = folder === 'train' || folder === 'validation' ? folder : '';
    files = [{ run, path, bytes: await readFile(path) }];
  }
  return tensorBoardLog(path, files);
}
