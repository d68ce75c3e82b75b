// Turns typed feature columns into the row-major float matrix a network takes.

import { firstNonNumeric } from '../data/typing.js';
import { DataError } from '../errors.js';
import type { Column, Dataset } from '../types.js';
import { rowPlace } from '../data/row-place.js';

/** Row-major n×d Float32Array for rows [start, end). Every column must be numeric and complete. */
export function featureMatrix(columns: Column[], start: number, end: number): Float32Array {
  const d = columns.length;
  const out = new Float32Array((end - start) * d);
  for (let j = 0; j < d; j++) {
    const col = columns[j];
    if (col.kind !== 'numeric') throw new Error(`featureMatrix: column ${col.name} is not numeric`);
    const v = col.values;
    for (let i = start; i < end; i++) out[(i - start) * d + j] = v[i];
  }
  return out;
}

/** Checks up front that the model can take these columns, naming the first bad cell. */
export function checkFeatureColumns(dataset: Dataset, columns: Column[], model: string): void {
  for (const col of columns) {
    if (col.kind !== 'numeric') {
      const bad = firstNonNumeric(col);
      const where = bad ? rowPlace(dataset, bad.row) : dataset.path;
      throw new DataError(
        `${where}: feature column "${col.name}" holds text ("${bad?.value ?? ''}"), but model ` +
          `${model} takes numbers. Encode it (one-hot columns) in the evaluation data, or leave it out with the \`features\` setting.`,
      );
    }
    if (col.missing > 0) {
      const row = col.values.findIndex((v) => Number.isNaN(v));
      throw new DataError(
        `${rowPlace(dataset, row)}: feature column "${col.name}" is empty or missing here ` +
          `(${col.missing} missing in all); model ${model} cannot take missing inputs. Impute or drop those rows.`,
      );
    }
  }
}
