// Keras History JSON → TrainingLog. Pure; no I/O.
//
// Accepted shapes:
// - `json.dump(history.history)`: `{ "loss": [...], "val_loss": [...], ... }`, one value per epoch,
//   epochs 0..n-1;
// - the History object's two attributes: `{ "history": { ... }, "epoch": [0, 1, ...] }` (other keys
//   such as "params" are ignored); without "epoch", epochs are 0..n-1.
// Values may be NaN / Infinity as Python writes them; null is a missing value (no point).
//
// Keras appends val_* only on the epochs where validation ran, so with validation_freq = k those
// lists are shorter. A list with n / k entries (k a whole number) is placed on epochs k-1, 2k-1, …,
// as Keras runs validation there; any other length is placed on the first epochs, with a warning.

import { at, DataError } from '../errors.js';
import { parsePythonJson, type PyJson } from './python-json.js';
import type { TrainingLog, TrainingPoint } from './types.js';
import { quote } from '../untrusted.js';

const isObject = (v: PyJson | undefined): v is { [key: string]: PyJson } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readKerasHistory(text: string, source: string): TrainingLog {
  const root = parsePythonJson(text, source);
  if (!isObject(root)) {
    throw new DataError(`${at(source)}: a Keras history file holds a JSON object of metric lists ({"loss": [...], ...}), not ${kindOf(root)}`);
  }
  const warnings: string[] = [];
  let history: { [key: string]: PyJson } = root;
  let epochs: number[] | undefined;
  if (isObject(root['history'])) {
    history = root['history'];
    const e = root['epoch'];
    if (e !== undefined) {
      if (!Array.isArray(e) || !e.every((x) => typeof x === 'number' && Number.isInteger(x))) {
        throw new DataError(`${at(source)}: "epoch" must be a list of whole numbers, as History.epoch is`);
      }
      epochs = e as number[];
    }
  }

  const lists: [string, (number | null)[]][] = [];
  for (const key of Object.keys(history)) {
    const v = history[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' || x === null)) {
      warnings.push(`${at(source)}: ${quote(key)} is not a list of numbers; skipped`);
      continue;
    }
    lists.push([key, v as (number | null)[]]);
  }
  if (lists.length === 0) throw new DataError(`${at(source)}: no metric lists found (expected {"loss": [...], "val_loss": [...], ...})`);

  const n = epochs?.length ?? Math.max(...lists.map(([, v]) => v.length));
  const epochAt = (i: number): number => (epochs ? epochs[i]! : i);
  const series: Record<string, TrainingPoint[]> = {};
  for (const [key, values] of lists) {
    let place: (i: number) => number;
    if (values.length === n) place = epochAt;
    else if (values.length > n) {
      throw new DataError(`${at(source)}: ${quote(key)} has ${values.length} values but there are only ${n} epochs`);
    } else if (values.length > 0 && n % values.length === 0) {
      const freq = n / values.length;
      place = (i) => epochAt((i + 1) * freq - 1);
      warnings.push(
        `${at(source)}: ${quote(key)} has ${values.length} values for ${n} epochs; placed on every ${ordinal(freq)} epoch ` +
          `(${epochAt(freq - 1)}, ${values.length > 1 ? `${epochAt(2 * freq - 1)}, …` : '…'}) as Keras's validation_freq=${freq} would record them`
      );
    } else {
      place = epochAt;
      if (values.length > 0) {
        warnings.push(`${at(source)}: ${quote(key)} has ${values.length} values for ${n} epochs; placed on the first ${values.length} epochs`);
      }
    }
    const points: TrainingPoint[] = [];
    values.forEach((value, i) => {
      if (value !== null) points.push({ step: place(i), value });
    });
    series[key] = dedupeSorted(points);
  }
  return { source, format: 'keras-history', series, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Sorted by step; for a repeated step, the later point wins. */
export function dedupeSorted(points: TrainingPoint[]): TrainingPoint[] {
  const byStep = new Map<number, TrainingPoint>();
  for (const p of points) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

function kindOf(v: PyJson): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}
