// Property-style round trip: random tables → an independent CSV writer → parseCsv → same cells.
import { parseCsv } from '../../src/data/csv.js';
import { parseDecimal, typeColumn } from '../../src/data/typing.js';
import type { NumericColumn } from '../../src/types.js';
import { rng as prng } from '../support/rng.js';

const PIECES = ['a', 'b', 'Z', '0', '7', ' ', '  ', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', 'é', '中', '🚀', 'NA', "'", '\\', '#', 'x y'];

function randomCell(rnd: () => number): string {
  const length = Math.floor(rnd() * 6);
  let cell = '';
  for (let k = 0; k < length; k++) cell += PIECES[Math.floor(rnd() * PIECES.length)];
  return cell;
}

/** Independent writer: quotes a cell when it must be quoted, and sometimes when it need not be. */
function writeCsv(rows: string[][], delimiter: string, eol: string, finalEol: boolean, rnd: () => number): string {
  const quote = (cell: string, only: boolean) => {
    const must = cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r') || (only && cell === '');
    return must || rnd() < 0.2 ? `"${cell.split('"').join('""')}"` : cell;
  };
  const lines = rows.map((row) => row.map((cell) => quote(cell, row.length === 1)).join(delimiter));
  return lines.join(eol) + (finalEol ? eol : '');
}

test('random tables survive write → parse unchanged (2000 tables)', () => {
  const rnd = prng(20240601);
  for (let t = 0; t < 2000; t++) {
    const ncols = 1 + Math.floor(rnd() * 5);
    const nrows = 1 + Math.floor(rnd() * 8);
    const delimiter = rnd() < 0.75 ? ',' : '\t';
    const header = Array.from({ length: ncols }, (_, c) => `${randomCell(rnd).replace(/\s/g, '')}c${c}`);
    const body = Array.from({ length: nrows }, () => Array.from({ length: ncols }, () => randomCell(rnd)));
    const eol = ['\n', '\r\n', '\r'][Math.floor(rnd() * 3)]!;
    const bom = rnd() < 0.1 ? '\ufeff' : '';
    const text = bom + writeCsv([header, ...body], delimiter, eol, rnd() < 0.5, rnd);

    const parsed = parseCsv(text, 'rt.csv', { delimiter });
    const context = `table ${t}: ${JSON.stringify(text)}`;
    expect({ context, header: parsed.header }).toEqual({ context, header });
    expect({ context, rowCount: parsed.rowCount }).toEqual({ context, rowCount: nrows });
    const rows = Array.from({ length: parsed.rowCount }, (_, r) => parsed.columns.map((column) => column[r]));
    expect({ context, rows }).toEqual({ context, rows: body });

    // Record lines: each record starts one line after the previous record's last line.
    const expectedLines: number[] = [];
    const linesIn = (s: string) => s.split(/\r\n|\r|\n/).length - 1;
    let line = 1 + header.reduce((n, cell) => n + linesIn(cell), 0) + 1;
    for (const row of body) {
      expectedLines.push(line);
      line += row.reduce((n, cell) => n + linesIn(cell), 0) + 1;
    }
    expect({ context, lines: Array.from(parsed.recordLines) }).toEqual({ context, lines: expectedLines });
  }
});

test('random doubles written by String() and toExponential() type back to the same value', () => {
  const rnd = prng(7);
  const values: number[] = [];
  const cells: string[] = [];
  for (let k = 0; k < 20000; k++) {
    const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 600 - 300);
    values.push(v);
    cells.push(k % 2 === 0 ? String(v) : v.toExponential());
  }
  const text = 'v\n' + cells.join('\n') + '\n';
  const parsed = parseCsv(text, 'nums.csv');
  const column = typeColumn('v', parsed.columns[0]!) as NumericColumn;
  expect(column.kind).toBe('numeric');
  expect(column.missing).toBe(0);
  for (let k = 0; k < values.length; k++) {
    if (!Object.is(column.values[k], values[k])) throw new Error(`${cells[k]} read back as ${column.values[k]}`);
    expect(parseDecimal(cells[k]!)).toBe(values[k]);
  }
});
