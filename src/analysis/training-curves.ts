// Reading a training curve the way Keras's EarlyStopping would, and saying whether the run overfit.
//
// The rule, exactly (Keras EarlyStopping with min_delta, run over the whole log without stopping):
//
// 1. Take the monitored series (default `val_loss`) in step order; each point is one evaluation.
//    mode 'min' (default, or 'max' when the name is an accuracy-like metric, see defaultMode).
// 2. best = +Infinity for 'min' (-Infinity for 'max'), wait = 0. For each point (epoch e, value v):
//      wait += 1
//      improved = v < best - minDelta   ('max': v > best + minDelta; NaN never improves)
//      if improved: best = v, bestEpoch = e, wait = 0
//      else if wait >= patience and this is not the first point and no stop was recorded yet:
//        stoppedImprovingAt = e        (the epoch at which EarlyStopping would have stopped training)
//    bestEpoch/bestValue are therefore the weights `restore_best_weights=True` would restore at the end:
//    the last epoch that improved on the best so far by more than minDelta (with minDelta 0: the first
//    epoch reaching the minimum).
// 3. lastEpoch/lastValue: the monitored series' last point (its value may be NaN).
// 4. trainTrendAfterBest: the least-squares slope, in loss per epoch, of the training loss (`loss`) over
//    its finite points from bestEpoch to lastEpoch inclusive; 0 with fewer than two such points; NaN
//    when there is no training loss.
// 5. overfitting = the monitored series had at least `patience` evaluations after bestEpoch without
//    beating it (by minDelta), and trainTrendAfterBest < 0 (training loss kept falling). Never true
//    when the monitored series is the training loss itself.
// 6. shippedEpoch defaults to the last epoch in the monitored series or the training loss, whichever is
//    later. shippedAfterTurn = overfitting and shippedEpoch > bestEpoch: the shipped weights come from
//    after the validation curve turned.

import { DataError, InputError } from '../errors.js';
import type { TrainingLog, TrainingPoint } from '../training-log/types.js';
import { numberDefault } from '../settings/inputs.js';

export type CurveMode = 'min' | 'max';

export interface CurveOptions {
  /** Series to watch; 'val_loss' by default (falls back to 'loss', with a finding, when the log has no val_loss). */
  monitor?: string;
  /** Whether lower or higher is better; by default from the monitor's name (defaultMode). */
  mode?: CurveMode;
  /** Evaluations without improvement before EarlyStopping would stop; by default the patience input's (5). */
  patience?: number;
  /** Smallest change that counts as an improvement (Keras's min_delta); 0 by default. */
  minDelta?: number;
  /** Epoch of the weights that ship; the last epoch in the log by default. */
  shippedEpoch?: number;
  /** The training-loss series for the overfitting rule; 'loss' by default. */
  trainLoss?: string;
}

export interface CurveFinding {
  kind: 'training_curve';
  severity: 'info' | 'warning';
  message: string;
}

export interface CurveAnalysis {
  monitor: string;
  mode: CurveMode;
  patience: number;
  minDelta: number;
  bestEpoch: number;
  bestValue: number;
  lastEpoch: number;
  lastValue: number;
  /** The epoch at which EarlyStopping(patience, min_delta) would have stopped; absent if it never would. */
  stoppedImprovingAt?: number;
  /** Evaluations of the monitor after bestEpoch. */
  epochsSinceBest: number;
  overfitting: boolean;
  shippedEpoch: number;
  shippedAfterTurn: boolean;
  /** Slope of the training loss per epoch from bestEpoch to lastEpoch (negative: still falling). */
  trainTrendAfterBest: number;
  findings: CurveFinding[];
}

const MAX_WORDS = new Set(['acc', 'accuracy', 'auc', 'precision', 'recall', 'f1', 'fbeta', 'iou', 'r2', 'map', 'ndcg', 'dice', 'top']);

/**
 * 'max' for accuracy-like names, else 'min'. Keras's own rule ('auto' mode) is "ends with acc,
 * accuracy or auc → max"; this also knows precision, recall, F1, IoU, R², mAP, nDCG, Dice and top-k,
 * and any name containing "loss" or "error" is 'min'. A `val_` prefix and folder prefixes are ignored.
 */
export function defaultMode(monitor: string): CurveMode {
  const name = (monitor.split('/').at(-1) ?? monitor).toLowerCase().replace(/^val_/, '');
  const words = name.split(/[^a-z0-9]+/).filter((w) => w !== '');
  if (words.some((w) => w === 'loss' || w === 'error' || w.endsWith('loss'))) return 'min';
  return words.some((w) => MAX_WORDS.has(w) || w.endsWith('accuracy')) ? 'max' : 'min';
}

function slope(points: TrainingPoint[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.step;
    sy += p.value;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.step - mx) * (p.value - my);
    sxx += (p.step - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** A number for a message: 4 significant digits, no exponent for ordinary losses. */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function analyseCurves(log: TrainingLog, options: CurveOptions = {}): CurveAnalysis {
  const findings: CurveFinding[] = [];
  const available = Object.keys(log.series);
  const trainName = options.trainLoss ?? 'loss';
  let monitor = options.monitor ?? 'val_loss';
  if (!Object.hasOwn(log.series, monitor) || log.series[monitor]!.length === 0) {
    if (options.monitor === undefined && Object.hasOwn(log.series, trainName) && log.series[trainName]!.length > 0) {
      findings.push({
        kind: 'training_curve',
        severity: 'info',
        message: `${log.source} has no val_loss, so the training curve was read from ${trainName}, which cannot show overfitting — log validation metrics (validation_data or validation_split) to check for it`
      });
      monitor = trainName;
    } else {
      throw new DataError(
        `${log.source}: no series "${monitor}" to monitor — the log has ${available.length > 0 ? available.map((s) => `"${s}"`).join(', ') : 'no series'}`
      );
    }
  }
  const patience = options.patience ?? numberDefault('patience');
  const minDelta = Math.abs(options.minDelta ?? 0);
  if (!Number.isInteger(patience) || patience < 0) throw new InputError(`patience must be a whole number ≥ 0, got ${patience}`);
  if (!Number.isFinite(minDelta)) throw new InputError(`minDelta must be a finite number, got ${options.minDelta}`);
  if (options.shippedEpoch !== undefined && !Number.isFinite(options.shippedEpoch)) {
    throw new InputError(`shippedEpoch must be a number, got ${options.shippedEpoch}`);
  }
  const mode = options.mode ?? defaultMode(monitor);
  const points = log.series[monitor]!;

  // Keras EarlyStopping's bookkeeping.
  let best = mode === 'min' ? Infinity : -Infinity;
  let bestIndex = -1;
  let wait = 0;
  let stoppedImprovingAt: number | undefined;
  points.forEach((p, i) => {
    wait += 1;
    const improved = mode === 'min' ? p.value < best - minDelta : p.value > best + minDelta;
    if (improved) {
      best = p.value;
      bestIndex = i;
      wait = 0;
    } else if (wait >= patience && i > 0 && stoppedImprovingAt === undefined) {
      stoppedImprovingAt = p.step;
    }
  });
  if (bestIndex < 0) {
    throw new DataError(`${log.source}: "${monitor}" has no usable values (${points.length} points, none a finite number)`);
  }
  const bestEpoch = points[bestIndex]!.step;
  const last = points[points.length - 1]!;
  const epochsSinceBest = points.length - 1 - bestIndex;

  const train = monitor === trainName ? undefined : log.series[trainName];
  let trainTrendAfterBest = NaN;
  if (train !== undefined && train.length > 0) {
    trainTrendAfterBest = slope(train.filter((p) => p.step >= bestEpoch && p.step <= last.step && Number.isFinite(p.value)));
  }
  const overfitting = train !== undefined && epochsSinceBest >= patience && trainTrendAfterBest < 0;
  // Where EarlyStopping would stop in the stall that ends the log (stoppedImprovingAt may be an earlier stall).
  const finalStop = epochsSinceBest >= Math.max(patience, 1) ? points[bestIndex + Math.max(patience, 1)]!.step : undefined;
  const lastEpochInLog = Math.max(last.step, train?.at(-1)?.step ?? -Infinity);
  const shippedEpoch = options.shippedEpoch ?? lastEpochInLog;
  const shippedAfterTurn = overfitting && shippedEpoch > bestEpoch;

  const better = mode === 'min' ? 'lower' : 'higher';
  findings.push({
    kind: 'training_curve',
    severity: 'info',
    message:
      `Training curve of ${monitor} (${better} is better): best ${fmt(best)} at epoch ${bestEpoch}, ` +
      `last ${fmt(last.value)} at epoch ${last.step}` +
      (epochsSinceBest > 0 ? `, ${plural(epochsSinceBest, 'evaluation')} after the best` : ', which is the best') +
      '.'
  });
  const nonFinite = points.filter((p) => !Number.isFinite(p.value));
  if (nonFinite.length > 0) {
    findings.push({
      kind: 'training_curve',
      severity: 'warning',
      message: `${monitor} is NaN or infinite at ${plural(nonFinite.length, 'epoch')} (first at epoch ${nonFinite[0]!.step}): training diverged or the metric could not be computed.`
    });
  }
  const earlyStop = `EarlyStopping(monitor="${monitor}", patience=${patience}${minDelta > 0 ? `, min_delta=${minDelta}` : ''})`;
  if (overfitting) {
    findings.push({
      kind: 'training_curve',
      severity: 'warning',
      message:
        `Overfitting: ${monitor} stopped improving at epoch ${bestEpoch} (${fmt(best)}) and did not beat it in the ` +
        `${plural(epochsSinceBest, 'evaluation')} that followed (${fmt(last.value)} at epoch ${last.step}), while ${trainName} kept falling ` +
        `(${fmt(trainTrendAfterBest)} per epoch). ${earlyStop} would have stopped at epoch ${finalStop}.`
    });
  } else if (train !== undefined && epochsSinceBest >= patience) {
    findings.push({
      kind: 'training_curve',
      severity: 'info',
      message: `${monitor} has not improved for ${plural(epochsSinceBest, 'evaluation')} since epoch ${bestEpoch}, and ${trainName} is not falling either: training has plateaued.`
    });
  }
  if (stoppedImprovingAt !== undefined && stoppedImprovingAt < bestEpoch) {
    findings.push({
      kind: 'training_curve',
      severity: 'info',
      message: `${earlyStop} would have stopped at epoch ${stoppedImprovingAt}, before the best epoch ${bestEpoch}: the curve stalled and then improved again, so a larger patience fits this run.`
    });
  }
  if (shippedAfterTurn) {
    const shippedPoint = points.find((p) => p.step === shippedEpoch);
    const shippedValue = shippedPoint !== undefined ? ` (${monitor} ${fmt(shippedPoint.value)} vs ${fmt(best)})` : '';
    findings.push({
      kind: 'training_curve',
      severity: 'warning',
      message:
        `The shipped weights are from epoch ${shippedEpoch}, ${plural(shippedEpoch - bestEpoch, 'epoch')} after the best ${monitor} at epoch ${bestEpoch}${shippedValue}: ` +
        `ship the best epoch's weights (EarlyStopping with restore_best_weights=True, or a ModelCheckpoint with save_best_only=True).`
    });
  }

  return {
    monitor,
    mode,
    patience,
    minDelta,
    bestEpoch,
    bestValue: best,
    lastEpoch: last.step,
    lastValue: last.value,
    ...(stoppedImprovingAt !== undefined ? { stoppedImprovingAt } : {}),
    epochsSinceBest,
    overfitting,
    shippedEpoch,
    shippedAfterTurn,
    trainTrendAfterBest,
    findings
  };
}
