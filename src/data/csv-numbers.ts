// The fast path for the common CSV: cells that are plain decimal numbers, and text cells, quoted
// or not, without line breaks inside. It reads the bytes once, straight into one Float64Array per
// column, and makes no string per cell; the text of a cell is decoded only when asked for
// (cellText). Anything out of the ordinary (a line break inside quotes, a stray quote, a record
// with the wrong number of fields) makes it give up, and the caller falls back to the general
// parser (csv.ts), which also writes the error messages.
//
// Numbers are correctly rounded, as Number() would read the text: Clinger's exact case, else (16 to
// 19 significant digits over a power of ten up to 10^22: what pandas writes) one division checked
// by its exact remainder, else Eisel–Lemire on up to 19 significant digits (any exponent; 128-bit
// truncated powers of five, 64×64-bit products in 32-bit limbs), else Number() on the text (over 19
// significant digits, rare).
// inf and infinity (any case, signed) are ±Infinity and overflow is ±Infinity, as typing.ts's
// parseDecimal reads them; NaN spellings and empty cells are odd cells, missing for the caller.
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
  /** (row, column) of each cell that is not a plain number or infinity word: empty, missing token, text, spaces. */
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const CR = 13;
  const QUOTE = 34;
  // Exact powers of ten for the correctly rounded fast path (Clinger): mantissa < 2^53, |scale| ≤ 22.
  const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
  // For the checked division: each power of ten split into two 26-bit halves (Veltkamp), so that a
  // product with it is exact as two doubles (Dekker); a double's bits, to read its exponent; and
  // ULP[e] = 2^(e − 1075), the spacing of the doubles whose biased exponent is e.
  const POW10_HIGH = new Float64Array(23);
  const POW10_LOW = new Float64Array(23);
  for (let k = 0; k <= 22; k++) {
    const c = 134217729 * POW10[k];
    POW10_HIGH[k] = c - (c - POW10[k]);
    POW10_LOW[k] = POW10[k] - POW10_HIGH[k];
  }
  const BITS = new Float64Array(1);
  const BITS32 = new Uint32Array(BITS.buffer);
  const ULP = new Float64Array(2047);
  ULP[1] = 5e-324;
  for (let e = 2; e < 2047; e++) ULP[e] = ULP[e - 1] * 2;
  // Eisel–Lemire (fast_float's decimal_to_binary, for doubles), for what Clinger cannot take: up
  // to 19 significant digits, any exponent. Its 128-bit truncated powers of five, as four uint32
  // limbs per power 10^q, q in [-342, 308], and the powers of two that assemble the double, are
  // built on first need (about a millisecond; a file of short decimals never needs them).
  // Made once per thread and kept on the function itself (its own name, bound inside it also where
  // a worker runs it from source): one closure for every call, so that optimized code calling it stays valid.
  const cache = scanCsvNumbers as unknown as { eiselLemire?: (head: number, tail: number, tailDigits: number, q: number) => number };
  const eiselLemire = cache.eiselLemire ?? (cache.eiselLemire = makeEiselLemire());
  function makeEiselLemire(): (head: number, tail: number, tailDigits: number, q: number) => number {
    const TENS = [1, 10, 100, 1000, 10000];
    let FIVES: Uint32Array | null = null;
    let TWOS: Float64Array | null = null;
    const buildTables = (): void => {
      const fives = new Uint32Array(651 * 4);
      const M32 = BigInt(0xffffffff);
      const B128 = BigInt(1) << BigInt(128);
      for (let q = -342; q <= 308; q++) {
        let c: bigint;
        if (q >= 0) {
          // 5^q with its top bit moved to bit 127, truncated.
          c = BigInt(5) ** BigInt(q);
          const bits = c.toString(2).length;
          c = bits > 128 ? c >> BigInt(bits - 128) : c << BigInt(128 - bits);
        } else {
          // 2^b / 5^-q rounded up, truncated to 128 bits (fast_float's script, verbatim in effect).
          const power = BigInt(5) ** BigInt(-q);
          const z = power.toString(2).length;
          const bits = q >= -27 ? z + 127 : 2 * z + 128;
          c = (BigInt(1) << BigInt(bits)) / power + BigInt(1);
          while (c >= B128) c >>= BigInt(1);
        }
        const at = (q + 342) * 4;
        fives[at] = Number((c >> BigInt(96)) & M32);
        fives[at + 1] = Number((c >> BigInt(64)) & M32);
        fives[at + 2] = Number((c >> BigInt(32)) & M32);
        fives[at + 3] = Number(c & M32);
      }
      // TWOS[e] = 2^(e - 1075): the weight of a 53-bit mantissa at biased exponent e ≥ 1 (and e = 0: subnormal).
      const twos = new Float64Array(2047);
      twos[0] = 5e-324;
      twos[1] = 5e-324;
      for (let e = 2; e < 2047; e++) twos[e] = twos[e - 1] * 2;
      FIVES = fives;
      TWOS = twos;
    };
    /** The double nearest head·10^tailDigits + tail, times 10^q (q in [-342, 308], not zero); NaN when 128 bits do not settle it. */
    return (head: number, tail: number, tailDigits: number, q: number): number => {
      if (FIVES === null || TWOS === null) buildTables();
      const fives = FIVES!;
      const twos = TWOS!;
      const T32 = 4294967296;
      // w as two uint32 halves, exactly: head < 10^15, tail < 10^4.
      const p = TENS[tailDigits];
      const headHigh = Math.floor(head / T32);
      const low = (head - headHigh * T32) * p + tail;
      const carry = Math.floor(low / T32);
      let wl = low - carry * T32;
      let wh = headHigh * p + carry;
      // Normalize: the top bit of the 64-bit w set.
      const lz = wh !== 0 ? Math.clz32(wh) : 32 + Math.clz32(wl);
      if (lz >= 32) {
        wh = (wl << (lz - 32)) >>> 0;
        wl = 0;
      } else if (lz > 0) {
        wh = ((wh << lz) | (wl >>> (32 - lz))) >>> 0;
        wl = (wl << lz) >>> 0;
      }
      // 64×64 → 128-bit product of w and the high half of the power, in 32-bit limbs r3..r0. A
      // 32×32 product's low half is Math.imul's; its high half is the rounded double product less
      // that, over 2^32, which is within 2^-19 of the integer it must be.
      const at = (q + 342) * 4;
      let t0 = fives[at];
      let t1 = fives[at + 1];
      let lo = Math.imul(wl, t1) >>> 0;
      const aLo = lo;
      const aHi = Math.round((wl * t1 - lo) / T32);
      lo = Math.imul(wl, t0) >>> 0;
      const bLo = lo;
      const bHi = Math.round((wl * t0 - lo) / T32);
      lo = Math.imul(wh, t1) >>> 0;
      const cLo = lo;
      const cHi = Math.round((wh * t1 - lo) / T32);
      lo = Math.imul(wh, t0) >>> 0;
      const dLo = lo;
      const dHi = Math.round((wh * t0 - lo) / T32);
      let r0 = aLo;
      let s = aHi + bLo + cLo;
      let r1 = s >>> 0;
      s = bHi + cHi + dLo + Math.floor(s / T32);
      let r2 = s >>> 0;
      let r3 = dHi + Math.floor(s / T32);
      if ((r2 & 0x1ff) === 0x1ff) {
        // The bits that decide the rounding may still take a carry: add the high half of w times
        // the power's low 64 bits.
        t0 = fives[at + 2];
        t1 = fives[at + 3];
        const eHi = Math.round((wl * t1 - (Math.imul(wl, t1) >>> 0)) / T32);
        lo = Math.imul(wl, t0) >>> 0;
        const fLo = lo;
        const fHi = Math.round((wl * t0 - lo) / T32);
        lo = Math.imul(wh, t1) >>> 0;
        const gLo = lo;
        const gHi = Math.round((wh * t1 - lo) / T32);
        lo = Math.imul(wh, t0) >>> 0;
        const hLo = lo;
        const hHi = Math.round((wh * t0 - lo) / T32);
        s = eHi + fLo + gLo;
        s = fHi + gHi + hLo + Math.floor(s / T32);
        const u2 = s >>> 0;
        const u3 = hHi + Math.floor(s / T32);
        s = r0 + u2;
        r0 = s >>> 0;
        s = r1 + u3 + Math.floor(s / T32);
        r1 = s >>> 0;
        s = r2 + Math.floor(s / T32);
        r2 = s >>> 0;
        r3 += Math.floor(s / T32);
        if ((r2 & 0x1ff) === 0x1ff && r1 === 0xffffffff && r0 === 0xffffffff) return NaN;
      }
      const upper = r3 >>> 31;
      const shift = upper + 9;
      // The 54-bit mantissa (high 64 bits >> shift) is one bit too many for a double: keep its top
      // 53 bits and its last bit apart.
      const m53 = r3 * 2 ** (31 - shift) + (r2 >>> (shift + 1));
      let last = (r2 >>> shift) & 1;
      let power2 = ((217706 * q) >> 16) + 63 + upper - lz + 1023;
      if (power2 <= 0) {
        // Subnormal: shift right by 1 - power2 in all, rounding the last bit up (no exact halfway here).
        const by = 1 - power2;
        if (by >= 64) return 0;
        let m = Math.floor(m53 / 2 ** (by - 1));
        m = (m + (m % 2)) / 2;
        return m * twos[0];
      }
      // Round half up, but to even where the product is exact and falls right between two doubles.
      if (last === 1 && r1 === 0 && r0 <= 1 && q >= -4 && q <= 23 && (m53 % 2) === 0 && (r2 & ((1 << shift) - 1)) === 0) last = 0;
      let m = m53 + last;
      if (m === 9007199254740992) {
        m = 4503599627370496;
        power2++;
      }
      if (power2 >= 2047) return Infinity;
      return m * twos[power2];
    };
  }
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
        // The significant digits, up to 19 (what a 64-bit integer holds): the first 15 in `head`,
        // the next up to 4 in `tail`, so that both stay exact doubles. Leading zeros are not
        // significant; digits past the 19th make `many` unless they are zeros.
        let head = 0;
        let tail = 0;
        let tailDigits = 0;
        let significant = 0;
        let scale = 0;
        let many = false;
        // One plain loop per stage (leading zeros, head, tail, the rest), each with one test per digit.
        const intStart = i;
        while (i < end && bytes[i] === 48) i++;
        while (i < end && significant < 15) {
          const d = bytes[i] - 48;
          if (d < 0 || d > 9) break;
          head = head * 10 + d;
          significant++;
          i++;
        }
        if (significant === 15) {
          // (Otherwise the head loop stopped at a non-digit.)
          while (i < end && significant < 19) {
            const d = bytes[i] - 48;
            if (d < 0 || d > 9) break;
            tail = tail * 10 + d;
            tailDigits++;
            significant++;
            i++;
          }
          while (i < end) {
            const d = bytes[i] - 48;
            if (d < 0 || d > 9) break;
            scale++;
            if (d !== 0) many = true;
            i++;
          }
        }
        let digits = i - intStart;
        if (i < end && bytes[i] === 46) {
          i++;
          const fractionStart = i;
          if (significant === 0) {
            while (i < end && bytes[i] === 48) i++;
            scale -= i - fractionStart;
          }
          // Four digits a step, then two, where most of them are (the fraction of 17-digit data):
          // four bytes are all digits when each is 0x30–0x3f and stays below 0x40 plus 6.
          while (i + 3 < end && significant < 12) {
            const v = view.getUint32(i, true);
            if ((v & 0xf0f0f0f0) !== 0x30303030 || ((v + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
            const d = v - 0x30303030;
            head = head * 10000 + ((d & 0xff) * 1000 + ((d >>> 8) & 0xff) * 100 + ((d >>> 16) & 0xff) * 10 + (d >>> 24));
            significant += 4;
            scale -= 4;
            i += 4;
          }
          while (i + 1 < end && significant < 14) {
            const d = bytes[i] - 48;
            const e = bytes[i + 1] - 48;
            if (d >>> 0 > 9 || e >>> 0 > 9) break;
            head = head * 100 + (d * 10 + e);
            significant += 2;
            scale -= 2;
            i += 2;
          }
          while (i < end && significant < 15) {
            const d = bytes[i] - 48;
            if (d < 0 || d > 9) break;
            head = head * 10 + d;
            significant++;
            scale--;
            i++;
          }
          if (significant >= 15) {
            while (i < end && significant < 19) {
              const d = bytes[i] - 48;
              if (d < 0 || d > 9) break;
              tail = tail * 10 + d;
              tailDigits++;
              significant++;
              scale--;
              i++;
            }
            while (i < end) {
              const d = bytes[i] - 48;
              if (d < 0 || d > 9) break;
              if (d !== 0) many = true;
              i++;
            }
          }
          digits += i - fractionStart;
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
          let magnitude: number;
          const mantissa = tailDigits === 0 ? head : head * POW10[tailDigits] + tail;
          if (many) {
            // More than 19 significant digits (pandas writes at most 17): Number() on the ASCII
            // text, whose grammar is a superset of this one, rounds correctly.
            let text = '';
            for (let k = fieldStart; k < i; k++) text += String.fromCharCode(bytes[k]);
            magnitude = Math.abs(Number(text));
          } else if (mantissa < 9007199254740992 && scale >= -22 && scale <= 22) {
            // Clinger: an integer below 2^53 and 10^|scale| ≤ 10^22 are exact doubles, so one
            // multiplication or division rounds correctly. (A mantissa that is not below 2^53
            // computes as one that is not, so the test is safe even where `mantissa` is inexact.)
            magnitude = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
          } else if (head === 0) {
            magnitude = 0; // all digits zero, whatever the exponent
          } else if (scale < -342) {
            magnitude = 0; // below 10^19 × 10^-343: under half the smallest subnormal
          } else if (scale > 308) {
            magnitude = Infinity; // overflow is ±Infinity, as typing.ts parseDecimal reads it
          } else {
            magnitude = NaN;
            if (scale < 0 && scale >= -22 && tailDigits > 0) {
              // A mantissa w of 16 to 19 digits (head has 15) over P = 10^-scale, an exact double.
              // w = AH + B exactly (head split at 2^24 keeps both products exact); y = fl(w / P) is
              // within an ulp or two of w / P. r = w − y·P is computed exactly (y·P = ph + pl by
              // Dekker; AH − ph exact by Sterbenz; the integers add exactly) but for its last
              // rounding, so comparing r with half of P·ulp(y) tells whether y, the double above it
              // or the one below is nearest. Too close to a tie (a decimal midpoint between two
              // doubles is possible here) or y a power of two (the spacing below it halves): Eisel–Lemire decides.
              const p = POW10[tailDigits];
              const h1 = Math.floor(head / 16777216);
              const AH = h1 * p * 16777216;
              const B = (head - h1 * 16777216) * p + tail;
              const k = -scale;
              const P = POW10[k];
              const y = (AH + B) / P;
              BITS[0] = y;
              const high = BITS32[1];
              if ((high & 0xfffff) !== 0 || BITS32[0] !== 0) {
                const c = 134217729 * y;
                const yHigh = c - (c - y);
                const yLow = y - yHigh;
                const ph = y * P;
                const pl = yHigh * POW10_HIGH[k] - ph + yHigh * POW10_LOW[k] + yLow * POW10_HIGH[k] + yLow * POW10_LOW[k];
                const r = AH - ph + B - pl;
                const ulp = ULP[high >>> 20];
                const half = ulp * P * 0.5;
                // r carries at most one rounding, relative 2^-53: a margin of 10^-9 of half is ample.
                const margin = half * 1e-9;
                if (r < half - margin && r > margin - half) magnitude = y;
                else if (r > half + margin && r < 3 * half - margin) magnitude = y + ulp;
                else if (r < -half - margin && r > margin - 3 * half) magnitude = y - ulp;
              }
            }
            if (magnitude !== magnitude) magnitude = eiselLemire(head, tail, tailDigits, scale);
            if (magnitude !== magnitude) {
              // The proven-unreachable case where 128 bits are not enough: Number() decides.
              let text = '';
              for (let k = fieldStart; k < i; k++) text += String.fromCharCode(bytes[k]);
              magnitude = Math.abs(Number(text));
            }
          }
          const v = negative ? -magnitude : magnitude;
          values[c][rows] = v;
          if (rowMajor && slots[c] >= 0) matrix[rows * width + slots[c]] = v;
          plain = true;
        } else if (digits === 0 && (b | 32) === 105 && i === fieldStart + (negative || bytes[fieldStart] === 43 ? 1 : 0)) {
          // inf, infinity in any case and with a sign, as typing.ts reads them (pandas writes inf, -inf).
          let k = i + 1;
          if (k + 1 < end && (bytes[k] | 32) === 110 && (bytes[k + 1] | 32) === 102) {
            k += 2;
            if (k + 4 < end && (bytes[k] | 32) === 105 && (bytes[k + 1] | 32) === 110 && (bytes[k + 2] | 32) === 105 && (bytes[k + 3] | 32) === 116 && (bytes[k + 4] | 32) === 121) k += 5;
            const after = k < end ? bytes[k] : -1;
            if (after === delimiter || after === LF || after === CR || after === -1) {
              i = k;
              const v = negative ? -Infinity : Infinity;
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
