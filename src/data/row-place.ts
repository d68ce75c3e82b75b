// Where a row of a dataset is, in words for an error message.

import type { Dataset } from '../types.js';

/** "file:line" for a text file; "file, row i" for an array file (.npz), 0-based as NumPy indexes it. */
export function rowPlace(dataset: Pick<Dataset, 'path' | 'recordLines'>, row: number): string {
  if (dataset.recordLines.length === 0) return `${dataset.path}, row ${row}`;
  return `${dataset.path}:${dataset.recordLines[row]}`;
}
