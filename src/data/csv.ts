// CSV / TSV parsing: RFC 4180 plus the quirks real files have. Pure; no I/O.
//
// - A UTF-8 byte order mark at the start is dropped.
// - Line endings may be CRLF, LF or a lone CR, mixed freely; each counts as one physical line.
// - A field that starts with '"' is quoted: it may hold delimiters, line breaks (kept as written)
//   and doubled quotes (read as one '"'). After the closing quote only a delimiter or the end of
//   the line may follow.
// - Unquoted fields are kept exactly as written, surrounding whitespace included; a '"' inside an
//   unquoted field is an error.
// - Blank lines (nothing at all between two line breaks) are skipped wherever they are, as pandas
//   does; write "" for a record that holds one empty field.
// - The first non-blank record is the header: names must be non-empty and distinct.
// - Every record must have exactly as many fields as the header.

import { at, DataError, InputError } from '../errors.js';
import { quote } from '../untrusted.js';

export interface CsvOptions {
  /** One character; ',' by default. Callers pass '\t' for .tsv files. */
  delimiter?: string;
}

export interface ParsedCsv {
  header: string[];
  /**
   * Column-major cells: `columns[c][r]` is the text of record r, column c, exactly as written
   * (quotes removed, doubled quotes undone). Column-major so that typing walks one array at a time.
   */
  columns: string[][];
  /** Number of data records (header excluded). */
  rowCount: number;
  /** 1-based physical line where each data record starts; length === rowCount. */
  recordLines: Int32Array;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

function describeDelimiter(code: number): string {
  if (code === 9) return 'tab';
  return `'${String.fromCharCode(code)}'`;
}

/**
 * Parses CSV text. `path` is used only in error messages, which have the form
 * `path:line:column: what is wrong — what to do`.
 */
export function parseCsv(text: string, path: string, options: CsvOptions = {}): ParsedCsv {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InputError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const D = delimiter.charCodeAt(0);
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i; // index of the first character of the current physical line

  let header: string[] | null = null;
  const headerFields: string[] = [];
  let ncols = 0;
  let columns: string[][] = [];
  let rowCount = 0;
  let recordLines = new Int32Array(1024);

  while (i < n) {
    let c = text.charCodeAt(i);
    // Blank line: skip it.
    if (c === LF) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === CR) {
      i++;
      if (i < n && text.charCodeAt(i) === LF) i++;
      line++;
      lineStart = i;
      continue;
    }

    const recordLine = line;
    let field = 0;
    // Where the first surplus field starts (the delimiter before it), for the error message.
    let surplusLine = 0;
    let surplusColumn = 0;

    for (;;) {
      let value: string;
      c = i < n ? text.charCodeAt(i) : -1;
      if (c === QUOTE) {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        let start = i;
        let prefix: string | null = null; // text before the last doubled quote, when there is one
        for (;;) {
          if (i >= n) {
            throw new DataError(
              `${at(path, openLine, openColumn)}: quoted field is never closed — the quote opened here has no matching closing '"' before the end of the file; close it, or write a literal quote inside a quoted field as ""`
            );
          }
          c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
              prefix = (prefix === null ? '' : prefix) + text.slice(start, i + 1);
              i += 2;
              start = i;
              continue;
            }
            break;
          }
          if (c === LF) {
            line++;
            lineStart = i + 1;
          } else if (c === CR) {
            if (i + 1 < n && text.charCodeAt(i + 1) === LF) i++;
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        value = prefix === null ? text.slice(start, i) : prefix + text.slice(start, i);
        i++; // past the closing quote
        c = i < n ? text.charCodeAt(i) : -1;
        if (c !== D && c !== LF && c !== CR && c !== -1) {
          throw new DataError(
            `${at(path, line, i - lineStart + 1)}: unexpected ${JSON.stringify(text[i])} after the closing quote of a quoted field (opened at ${at(path, openLine, openColumn)}) — only the delimiter (${describeDelimiter(D)}) or the end of the line may follow it; put the whole value inside the quotes and write inner quotes as ""`
          );
        }
      } else {
        const start = i;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === D || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw new DataError(
              `${at(path, line, i - lineStart + 1)}: stray '"' inside an unquoted field — quote the whole field ("...") and double the quotes inside it (""), or remove the quote`
            );
          }
          i++;
        }
        value = text.slice(start, i);
        c = i < n ? c : -1;
      }

      if (header === null) headerFields.push(value);
      else if (field < ncols) columns[field]!.push(value);
      field++;

      if (c === D) {
        if (header !== null && field === ncols && surplusLine === 0) {
          surplusLine = line;
          surplusColumn = i - lineStart + 1;
        }
        i++;
        continue;
      }
      break; // c is LF, CR or -1 (end of text): the record is complete
    }

    if (header === null) {
      header = checkHeader(headerFields, path, recordLine);
      ncols = header.length;
      columns = header.map(() => []);
    } else {
      if (field !== ncols) {
        const more = field > ncols;
        const where = more ? at(path, surplusLine, surplusColumn) : at(path, line, i - lineStart + 1);
        const spans = line !== recordLine ? ` (the record starts at line ${recordLine})` : '';
        const advice = more
          ? `quote fields that contain ${describeDelimiter(D)} ("a${delimiter === '\t' ? '\\t' : delimiter}b") or remove the extra fields`
          : `add the missing fields (leave a field empty for a missing value) or check for an unclosed quote on an earlier line`;
        throw new DataError(
          `${where}: record has ${field} field${field === 1 ? '' : 's'} but the header has ${ncols}${spans} — ${advice}`
        );
      }
      if (rowCount === recordLines.length) {
        const grown = new Int32Array(recordLines.length * 2);
        grown.set(recordLines);
        recordLines = grown;
      }
      recordLines[rowCount++] = recordLine;
    }

    // Consume the line break that ended the record.
    if (c === CR) {
      i++;
      if (i < n && text.charCodeAt(i) === LF) i++;
      line++;
      lineStart = i;
    } else if (c === LF) {
      i++;
      line++;
      lineStart = i;
    }
  }

  return {
    header: header ?? [],
    columns,
    rowCount,
    recordLines: recordLines.slice(0, rowCount)
  };
}

export function checkHeader(names: string[], path: string, line: number): string[] {
  const seen = new Map<string, number>();
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name.trim() === '') {
      const pandasHint = k === 0 ? ' (a file written by pandas `to_csv` without `index=False` starts with an unnamed index column)' : '';
      throw new DataError(
        `${at(path, line)}: column ${k + 1} of the header has an empty name${pandasHint} — give every column a name in the first line`
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(
        `${at(path, line)}: column ${k + 1} of the header, ${quote(name)}, has the same name as column ${first + 1} — give every column a distinct name`
      );
    }
    seen.set(name, k);
  }
  return names;
}
