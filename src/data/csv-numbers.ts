// The fast path for the common CSV: cells that are plain decimal numbers, and text cells, quoted
// or not, without line breaks inside. It reads the bytes once, straight into one Float64Array per
// column, and makes no string per cell; the text of a cell is decoded only when asked for
// (cellText). Anything out of the ordinary (a line break inside quotes, a stray quote, a record
// with the wrong number of fields) makes it give up, and the caller falls back to the general
// parser (csv.ts), which also writes the error messages.
//
// The scanner is a self-contained function (no imports, no outer names) so that a worker thread
// can run it from its source text; see csv-fast.ts.

/** What the scanner could not decide alone: cells that are not plain numbers. */
export interface ScanResult {
  /** Data records found in [start, end). */
  rows: number;
  /** Per column, the values of rows [0, rows): NaN where the cell is odd (see odd*). */
  values: Float64Array[];
  /** Byte offset where each record starts. */
  recordStarts: Float64Array;
  /** 1-based physical line of each record, counted from `firstLine`. */
  recordLines: Int32Array;
  /** (row, column) of each cell that is not a plain number: empty, missing token, text, spaces, very long. */
  oddRows: Int32Array;
  oddColumns: Int32Array;
  /** Physical lines in [start, end), blank ones included. */
  lines: number;
  /** With `slots`: rows × width float32 values, row after row, column c at slot[c] (NaN at odd and text cells). */
  matrix?: Float32Array;
  /** Why the fast path gave up, or '' when it did not. */
  giveUp: string;
}

/**
 * Scans the data records in bytes[start, end) (start at the beginning of a line, end at the end
 * of one or of the file). Cells of columns with `skip[c] === 1` are not read (text columns).
 * Gives up (giveUp non-empty) at the first quote or a record whose field count is not ncols.
 */
export function scanCsvNumbers(
  bytes: Uint8Array,
  start: number,
  end: number,
  ncols: number,
  delimiter: number,
  skip: Uint8Array,
  firstLine: number,
  slots: Int32Array | null = null,
  rowsHint = 0
): ScanResult {
  // slots[c]: where column c goes in a row of the row-major matrix, -1 for columns left out of it.
  const rowMajor = slots !== null;
  let width = 0;
  if (slots !== null) for (let c = 0; c < slots.length; c++) if (slots[c] + 1 > width) width = slots[c] + 1;
  const LF = 10;
  const CR = 13;
  const QUOTE = 34;
  // Exact powers of ten for the correctly rounded fast path (Clinger): mantissa < 2^53, |scale| ≤ 22.
  const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
  const LIMIT = (2 ** 53 - 9) / 10;
  // Capacity guess from the first line's length (arrays grow by doubling when it is short).
  let firstLength = 0;
  while (start + firstLength < end && bytes[start + firstLength] !== LF && bytes[start + firstLength] !== CR) firstLength++;
  // A caller that will append more rows after these (csv-fast.ts) asks for room for them up front.
  // Never more rows than the rest of the file can hold (each record takes at least ncols bytes).
  const most = Math.ceil((bytes.length - start) / Math.max(1, ncols)) + 1;
  let capacity = Math.min(most, Math.max(1024, rowsHint, Math.ceil(((end - start) / (firstLength + 1)) * 1.05)));
  let values: Float64Array[] = [];
  for (let c = 0; c < ncols; c++) values.push(new Float64Array(skip[c] === 0 ? capacity : 0));
  let recordStarts = new Float64Array(capacity);
  let recordLines = new Int32Array(capacity);
  // The layout a network's input takes, written in file order as the cells go by: no transposition later.
  let matrix = new Float32Array(rowMajor ? capacity * width : 0);
  let oddRows = new Int32Array(256);
  let oddColumns = new Int32Array(256);
  let odd = 0;
  let rows = 0;
  let line = firstLine;
  let i = start;
  const result = (giveUp: string): ScanResult => ({
    rows,
    values: values.map((v) => v.subarray(0, rows)),
    recordStarts: recordStarts.subarray(0, rows),
    recordLines: recordLines.subarray(0, rows),
    oddRows: oddRows.subarray(0, odd),
    oddColumns: oddColumns.subarray(0, odd),
    lines: line - firstLine,
    giveUp,
    ...(rowMajor ? { matrix: matrix.subarray(0, rows * width) } : {})
  });

  while (i < end) {
    let b = bytes[i];
    if (b === LF) {
      i++;
      line++;
      continue;
    }
    if (b === CR) {
      i++;
      if (i < end && bytes[i] === LF) i++;
      line++;
      continue;
    }
    if (rows === capacity) {
      capacity *= 2;
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const g = new Float64Array(capacity);
        g.set(a);
        return g;
      };
      values = values.map((v, c) => (skip[c] === 0 ? grow(v) : v));
      recordStarts = grow(recordStarts);
      const l = new Int32Array(capacity);
      l.set(recordLines);
      recordLines = l;
      if (rowMajor) {
        const m = new Float32Array(capacity * width);
        m.set(matrix);
        matrix = m;
      }
    }
    recordStarts[rows] = i;
    recordLines[rows] = line;
    let c = 0;
    for (;;) {
      // One field, starting at i.
      let plain = false;
      if (c < ncols && skip[c] === 0) {
        const fieldStart = i;
        let negative = false;
        b = i < end ? bytes[i] : -1;
        if (b === 45 || b === 43) {
          negative = b === 45;
          i++;
        }
        let mantissa = 0;
        let digits = 0;
        let scale = 0;
        let exact = true;
        while (i < end) {
          b = bytes[i];
          if (b < 48 || b > 57) break;
          if (mantissa < LIMIT) mantissa = mantissa * 10 + (b - 48);
          else exact = false;
          digits++;
          i++;
        }
        if (i < end && bytes[i] === 46) {
          i++;
          while (i < end) {
            b = bytes[i];
            if (b < 48 || b > 57) break;
            if (mantissa < LIMIT) {
              mantissa = mantissa * 10 + (b - 48);
              scale--;
            } else if (b !== 48) exact = false;
            digits++;
            i++;
          }
        }
        if (digits > 0 && i < end && (bytes[i] === 101 || bytes[i] === 69)) {
          i++;
          let expNegative = false;
          if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
            expNegative = bytes[i] === 45;
            i++;
          }
          let exponent = 0;
          let expDigits = 0;
          while (i < end) {
            b = bytes[i];
            if (b < 48 || b > 57) break;
            if (exponent < 100000) exponent = exponent * 10 + (b - 48);
            expDigits++;
            i++;
          }
          if (expDigits === 0) digits = 0;
          scale += expNegative ? -exponent : exponent;
        }
        b = i < end ? bytes[i] : -1;
        if (digits > 0 && (b === delimiter || b === LF || b === CR || b === -1)) {
          if (exact && scale >= -22 && scale <= 22) {
            const magnitude = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
            values[c][rows] = negative ? -magnitude : magnitude;
            if (rowMajor && slots[c] >= 0) matrix[rows * width + slots[c]] = negative ? -magnitude : magnitude;
            plain = true;
          } else {
            // Too many digits for the fast path (pandas writes up to 17): Number() on the ASCII
            // text, whose grammar is a superset of this one, rounds correctly. Overflow is odd: the
            // caller's parseDecimal reads it (and inf) as ±Infinity, as pandas does.
            let text = '';
            for (let k = fieldStart; k < i; k++) text += String.fromCharCode(bytes[k]);
            const v = Number(text);
            if (v - v === 0) {
              values[c][rows] = v;
              if (rowMajor && slots[c] >= 0) matrix[rows * width + slots[c]] = v;
              plain = true;
            }
          }
        }
        if (!plain) i = fieldStart;
      }
      if (!plain) {
        // Skip to the end of the field; an odd cell of a number column is resolved by the caller.
        if (i < end && bytes[i] === QUOTE) {
          // Quoted: to the closing quote, "" inside read as one quote. A line break inside would
          // make the line-feed chunk boundaries unsafe: give up on such files.
          i++;
          for (;;) {
            if (i >= end) return result(`an unclosed quote at line ${line}`);
            b = bytes[i];
            if (b === QUOTE) {
              if (i + 1 < end && bytes[i + 1] === QUOTE) {
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (b === LF || b === CR) return result(`a line break inside quotes at line ${line}`);
            i++;
          }
          b = i < end ? bytes[i] : -1;
          if (b !== delimiter && b !== LF && b !== CR && b !== -1) return result(`text after a closing quote at line ${line}`);
        } else {
          while (i < end) {
            b = bytes[i];
            if (b === delimiter || b === LF || b === CR) break;
            if (b === QUOTE) return result(`a quote inside an unquoted field at line ${line}`);
            i++;
          }
        }
        if (rowMajor && c < ncols && slots[c] >= 0) matrix[rows * width + slots[c]] = NaN;
        if (c < ncols && skip[c] === 0) {
          values[c][rows] = NaN;
          if (odd === oddRows.length) {
            const r = new Int32Array(odd * 2);
            r.set(oddRows);
            oddRows = r;
            const k = new Int32Array(odd * 2);
            k.set(oddColumns);
            oddColumns = k;
          }
          oddRows[odd] = rows;
          oddColumns[odd] = c;
          odd++;
        }
      }
      c++;
      b = i < end ? bytes[i] : -1;
      if (b === delimiter) {
        i++;
        continue;
      }
      break;
    }
    if (c !== ncols) return result(`a record with ${c} fields at line ${line}`);
    rows++;
    if (b === CR) {
      i++;
      if (i < end && bytes[i] === LF) i++;
      line++;
    } else if (b === LF) {
      i++;
      line++;
    }
  }
  return result('');
}

/**
 * Where the field starting at byte i ends (at its delimiter or line break), in a file the scanner
 * accepted: a quoted field has no line break inside and ends at its closing quote.
 */
export function fieldEnd(bytes: Uint8Array, i: number, delimiter: number): number {
  if (i < bytes.length && bytes[i] === 34) {
    i++;
    while (i < bytes.length) {
      if (bytes[i] === 34) {
        if (bytes[i + 1] === 34) i += 2;
        else return i + 1;
      } else i++;
    }
    return i;
  }
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === delimiter || b === 10 || b === 13) break;
    i++;
  }
  return i;
}

/** Byte range [start, end) of field `column` of the record starting at `recordStart`, quotes included. */
export function cellRange(bytes: Uint8Array, recordStart: number, column: number, delimiter: number): [number, number] {
  let i = recordStart;
  for (let c = 0; c < column; c++) i = fieldEnd(bytes, i, delimiter) + 1;
  return [i, fieldEnd(bytes, i, delimiter)];
}

/** A cell's text as the general parser gives it: a quoted field without its quotes, "" read as ". */
export function cellText(buffer: Buffer, start: number, end: number): string {
  if (end - start >= 2 && buffer[start] === 34) return buffer.toString('utf8', start + 1, end - 1).replaceAll('""', '"');
  return buffer.toString('utf8', start, end);
}
