// Training curves as a mermaid `xychart-beta` block, which GitHub renders in PR comments.
//
// Output (then a one-line markdown caption):
//   ```mermaid
//   xychart-beta
//       title "Training curves: loss and val_loss"
//       x-axis "epoch" 0 --> 119
//       y-axis "loss" 0 --> 0.7
//       line [0.66, 0.58, ...]      <- training series
//       line [0.62, 0.55, ...]      <- validation series
//   ```
//
// What the grammar (mermaid's xychart.jison) allows, and how this stays inside it:
// - Numbers are `[+-]?(\d+(\.\d+)?|\.\d+)`: no exponent, no NaN. Values are written in plain decimal;
//   non-finite values are left out (and filled like a missing epoch, below).
// - Text is either one bare word or `"..."` with no `"` inside. Every label is quoted and reduced to
//   letters, digits, spaces and `_ . / : ( ) + = , -`, so a tag name cannot end the string, start a
//   new statement (newline, `;`), open a `%%` directive/comment, an entity (`#...;`) or HTML, or
//   close the markdown fence (backticks).
// - A numeric x-axis `min --> max` places a line's n values evenly from min to max. The epochs are
//   therefore put into at most `maxPoints` (default 100) evenly spaced buckets; each bucket keeps its
//   best point (the minimum for a 'min' metric such as a loss, the maximum for 'max'), so the lowest
//   validation loss is always drawn. A bucket without a value for a series (validation every k
//   epochs, NaN) is filled by linear interpolation between its neighbours.
// Both lines always have the same number of values, and the y-axis range contains them all.

import type { CurveAnalysis, CurveMode } from '../analysis/training-curves.js';
import type { TrainingLog, TrainingPoint } from '../training-log/types.js';
import { escapeMarkdown, fenceFor } from './escape.js';

export interface CurvesChartOptions {
  /** Training series; by default the monitor without its `val_` prefix (`loss` for `val_loss`). */
  train?: string;
  /** Validation series; by default the monitor (or `val_<monitor>` when the monitor is a training series). */
  validation?: string;
  /** Most points per line; 100 by default. */
  maxPoints?: number;
  /** Chart title; "Training curves: <train> and <validation>" by default. */
  title?: string;
}

const LABEL_MAX = 60;

/** A label mermaid reads as one quoted string: see the header comment for the allowed characters. */
export function mermaidLabel(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} _./:()+=,-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...cleaned].slice(0, LABEL_MAX).join('').trim();
  return `"${cut === '' ? '?' : cut}"`;
}

/**
 * A finite number in plain decimal (no exponent), `significant` digits at most. Mermaid's number
 * token has no exponent, so 1e-7 must be written 0.0000001.
 */
export function mermaidNumber(value: number, significant = 6): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  let text: string;
  if (Math.abs(value) >= 1e21) text = BigInt(Math.round(value)).toString();
  else {
    text = value.toFixed(decimals);
    if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  }
  return text === '-0' ? '0' : text;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

interface Buckets {
  xMin: number;
  xMax: number;
  count: number;
  /** Bucket index for an epoch. */
  index(step: number): number;
}

function bucketsFor(steps: number[], maxPoints: number): Buckets {
  const xMin = steps[0]!;
  const xMax = steps[steps.length - 1]!;
  let slots = steps.length;
  if (steps.every(Number.isInteger) && steps.length > 1) {
    let d = 0;
    for (let i = 1; i < steps.length; i++) d = gcd(d, steps[i]! - steps[i - 1]!);
    slots = (xMax - xMin) / d + 1;
  }
  const count = Math.max(1, Math.min(maxPoints, slots));
  const span = xMax - xMin;
  return {
    xMin,
    xMax,
    count,
    index: (step) => (count === 1 || span === 0 ? 0 : Math.round(((step - xMin) / span) * (count - 1)))
  };
}

/** One value per bucket: the best point in it, gaps filled by linear interpolation. */
function bucketValues(points: TrainingPoint[], buckets: Buckets, mode: CurveMode): number[] {
  const values: (number | undefined)[] = new Array(buckets.count).fill(undefined);
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const i = buckets.index(p.step);
    const v = values[i];
    if (v === undefined || (mode === 'min' ? p.value < v : p.value > v)) values[i] = p.value;
  }
  const known = values.flatMap((v, i) => (v === undefined ? [] : [i]));
  return values.map((v, i) => {
    if (v !== undefined) return v;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!]!;
    if (after === undefined) return values[before]!;
    const t = (i - before) / (after - before);
    return values[before]! + t * (values[after]! - values[before]!);
  });
}

/** Plain decimal with at most `decimals` decimals (trailing zeros dropped). */
function plainFixed(value: number, decimals: number): string {
  if (Math.abs(value) >= 1e21) return BigInt(Math.round(value)).toString();
  let text = value.toFixed(Math.min(100, Math.max(0, decimals)));
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

/** The y-axis ends, as text: padded by 5% and rounded outward to a step of about 1/100 of the span. */
function axisRange(values: number[]): [string, string] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const span = hi - lo;
  const pad = span > 0 ? span * 0.05 : Math.max(Math.abs(hi) * 0.05, 1e-6);
  const allNonNegative = lo >= 0;
  lo -= pad;
  hi += pad;
  if (allNonNegative && lo < 0) lo = 0;
  const exponent = Math.floor(Math.log10(hi - lo)) - 2;
  const step = 10 ** exponent;
  return [plainFixed(Math.floor(lo / step) * step, -exponent), plainFixed(Math.ceil(hi / step) * step, -exponent)];
}

function trainAndValidation(monitor: string): { train: string; validation: string } {
  const cut = monitor.lastIndexOf('/') + 1;
  const folder = monitor.slice(0, cut);
  const name = monitor.slice(cut);
  if (name.startsWith('val_')) return { train: folder + name.slice(4), validation: monitor };
  return { train: monitor, validation: `${folder}val_${name}` };
}

/**
 * A mermaid xychart of the training and validation curves, and a caption naming the best epoch
 * and the last. '' when neither series has a finite value.
 */
export function curvesChart(log: TrainingLog, analysis: CurveAnalysis, options: CurvesChartOptions = {}): string {
  const defaults = trainAndValidation(analysis.monitor);
  const trainName = options.train ?? defaults.train;
  const valName = options.validation ?? defaults.validation;
  const maxPoints = Math.max(2, Math.floor(options.maxPoints ?? 100));
  const lines = [
    { role: 'training', name: trainName, points: log.series[trainName] },
    { role: 'validation', name: valName, points: trainName === valName ? undefined : log.series[valName] }
  ].flatMap(({ role, name, points }) => {
    const finite = (points ?? []).filter((p) => Number.isFinite(p.value));
    return finite.length > 0 ? [{ role, name, points: finite }] : [];
  });
  if (lines.length === 0) return '';

  const steps = [...new Set(lines.flatMap((l) => l.points.map((p) => p.step)))].sort((a, b) => a - b);
  const buckets = bucketsFor(steps, maxPoints);
  const data = lines.map((l) => bucketValues(l.points, buckets, analysis.mode));
  const all = data.flat();
  const [yMin, yMax] = axisRange(all);
  // Enough digits that rounding a value moves it by well under the padding of the y-axis range.
  const maxAbs = Math.max(...all.map(Math.abs));
  const span = Math.max(...all) - Math.min(...all);
  const digits = span > 0 && maxAbs > 0 ? Math.min(17, Math.max(6, Math.ceil(Math.log10(maxAbs / span)) + 4)) : 6;
  const xMax = buckets.xMax > buckets.xMin ? buckets.xMax : buckets.xMin + 1;

  const title = options.title ?? `Training curves: ${lines.map((l) => l.name).join(' and ')}`;
  const yLabel = (lines[0]!.name.split('/').at(-1) ?? lines[0]!.name).replace(/^val_/, '');
  const body = [
    'xychart-beta',
    `    title ${mermaidLabel(title)}`,
    `    x-axis "epoch" ${mermaidNumber(buckets.xMin)} --> ${mermaidNumber(xMax)}`,
    `    y-axis ${mermaidLabel(yLabel)} ${yMin} --> ${yMax}`,
    ...data.map((values) => `    line [${values.map((v) => mermaidNumber(v, digits)).join(', ')}]`)
  ].join('\n');
  const fence = fenceFor(body);

  const legend = lines.map((l, i) => `line ${i + 1} is ${l.role} ${escapeMarkdown(l.name)}`).join(', ');
  const sampled =
    buckets.count < steps.length
      ? `; ${steps.length} epochs drawn as ${buckets.count} points, each the ${analysis.mode === 'min' ? 'lowest' : 'highest'} value in its span`
      : '';
  const monitor = escapeMarkdown(analysis.monitor);
  const after = analysis.lastEpoch - analysis.bestEpoch;
  let lastText: string;
  if (after === 0) lastText = 'the last epoch is the best';
  else {
    const lastValue = Number.isFinite(analysis.lastValue) ? mermaidNumber(analysis.lastValue, 4) : String(analysis.lastValue);
    lastText = `last ${lastValue} at epoch ${analysis.lastEpoch}, ${after} epoch${after === 1 ? '' : 's'} later`;
  }
  const caption =
    `_${legend[0]!.toUpperCase()}${legend.slice(1)}${sampled}._ ` +
    `Best ${monitor} **${mermaidNumber(analysis.bestValue, 4)}** at epoch ${analysis.bestEpoch}; ${lastText}.`;
  return `${fence}mermaid\n${body}\n${fence}\n\n${caption}\n`;
}
