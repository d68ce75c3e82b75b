// Some rows of a dataset, as a dataset of its own: the rows of one shard. Every column keeps its type
// (decided on the whole file, so a shard whose rows all look numeric still reads a text column as text),
// and each row keeps its line in the file, so errors still point at the file's lines.

import type { Column, Dataset } from '../types.js';

export function subsetDataset(d: Dataset, rows: Int32Array): Dataset {
  const columns = d.columns.map((c) => subsetColumn(c, rows));
  const out: Dataset = {
    path: d.path,
    rowCount: rows.length,
    columns,
    recordLines: d.recordLines.length === 0 ? d.recordLines : Int32Array.from(rows, (r) => d.recordLines[r]),
  };
  if (d.rowMajor !== undefined) {
    const k = d.rowMajor.columns.length;
    const data = new Float32Array(rows.length * k);
    for (let i = 0; i < rows.length; i++) data.set(d.rowMajor.data.subarray(rows[i] * k, rows[i] * k + k), i * k);
    // The row-major columns are some of `columns`, by identity: map them to their subsets.
    const byOld = new Map(d.columns.map((c, i) => [c, columns[i]]));
    out.rowMajor = { data, columns: d.rowMajor.columns.map((c) => byOld.get(c) ?? subsetColumn(c, rows)) };
  }
  return out;
}

function subsetColumn(c: Column, rows: Int32Array): Column {
  if (c.kind === 'numeric') {
    const values = Float64Array.from(rows, (r) => c.values[r]);
    let missing = 0;
    for (const v of values) if (Number.isNaN(v)) missing++;
    return { name: c.name, kind: 'numeric', values, raw: Array.from(rows, (r) => c.raw[r]), missing };
  }
  const values = Array.from(rows, (r) => c.values[r]);
  return { name: c.name, kind: 'categorical', values, missing: values.filter((v) => v === null).length };
}
