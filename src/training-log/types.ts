// What every training-log reader returns: named series of (epoch or step, value) points.

export type TrainingLogFormat = 'keras-history' | 'keras-csv' | 'tensorboard';

export interface TrainingPoint {
  /** Epoch index as logged (Keras counts from 0) or, for TensorBoard, the event's step. */
  step: number;
  /** NaN and ±Infinity are kept: a diverged loss is information, not noise. */
  value: number;
  /** Seconds since the Unix epoch; only TensorBoard events carry it. */
  wallTime?: number;
}

export interface TrainingLog {
  /** The file or folder read, as given. */
  source: string;
  format: TrainingLogFormat;
  /**
   * Tag → points sorted by step, one point per step. Keras names: `loss`, `val_loss`, `accuracy`,
   * `val_accuracy`, … (TensorBoard's `train/epoch_loss` and `validation/epoch_loss` are mapped to these).
   */
  series: Record<string, TrainingPoint[]>;
  /** Things read past rather than failed on: a truncated last record, skipped columns, repeated epochs. */
  warnings?: string[];
}
