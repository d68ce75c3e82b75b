import { parseCsv } from '../../src/data/csv.js';
import { DataError, InputError } from '../../src/errors.js';

function rows(text: string, delimiter?: string): string[][] {
  const parsed = parseCsv(text, 'eval.csv', { delimiter });
  const out: string[][] = [];
  for (let r = 0; r < parsed.rowCount; r++) out.push(parsed.columns.map((c) => c[r]!));
  return out;
}

function errorOf(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv: basics', () => {
  test('header, column-major cells, row count and record lines', () => {
    const parsed = parseCsv('a,b,c\n1,2,3\n4,5,6\n', 'eval.csv');
    expect(parsed.header).toEqual(['a', 'b', 'c']);
    expect(parsed.columns).toEqual([
      ['1', '4'],
      ['2', '5'],
      ['3', '6']
    ]);
    expect(parsed.rowCount).toBe(2);
    expect(Array.from(parsed.recordLines)).toEqual([2, 3]);
    expect(parsed.recordLines).toBeInstanceOf(Int32Array);
  });

  test('no trailing newline', () => {
    expect(rows('a,b\n1,2\n3,4')).toEqual([
      ['1', '2'],
      ['3', '4']
    ]);
  });

  test('empty text and BOM-only text give an empty header and no rows', () => {
    for (const text of ['', '\ufeff', '\n\n', '\r\n']) {
      const parsed = parseCsv(text, 'eval.csv');
      expect(parsed.header).toEqual([]);
      expect(parsed.rowCount).toBe(0);
      expect(parsed.recordLines.length).toBe(0);
    }
  });

  test('header only', () => {
    const parsed = parseCsv('a,b\n', 'eval.csv');
    expect(parsed.header).toEqual(['a', 'b']);
    expect(parsed.rowCount).toBe(0);
    expect(parsed.columns).toEqual([[], []]);
  });

  test('UTF-8 BOM is dropped from the first header name', () => {
    const parsed = parseCsv('\ufeffid,x\n1,2\n', 'eval.csv');
    expect(parsed.header).toEqual(['id', 'x']);
    expect(parsed.header[0]!.length).toBe(2);
  });

  test('a BOM does not shift error columns', () => {
    expect(() => parseCsv('\ufeffa,b\n1,x"y\n', 'eval.csv')).toThrow('eval.csv:2:4:');
  });

  test('empty fields, leading and trailing', () => {
    expect(rows('a,b,c\n,,\n,x,\nx,,\n')).toEqual([
      ['', '', ''],
      ['', 'x', ''],
      ['x', '', '']
    ]);
  });

  test('whitespace around unquoted fields is kept', () => {
    expect(rows('a,b\n 1 ,\tx \n')).toEqual([[' 1 ', '\tx ']]);
  });

  test('non-ASCII text', () => {
    expect(rows('name,v\ncafé 中文 🚀,1\n')).toEqual([['café 中文 🚀', '1']]);
  });
});

describe('parseCsv: line endings', () => {
  test('CRLF, LF and lone CR give the same cells', () => {
    const expected = [
      ['1', '2'],
      ['3', '4']
    ];
    expect(rows('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(rows('a,b\n1,2\n3,4\n')).toEqual(expected);
    expect(rows('a,b\r1,2\r3,4\r')).toEqual(expected);
    expect(rows('a,b\r\n1,2\r3,4\n')).toEqual(expected);
  });

  test('record lines count each line ending once', () => {
    expect(Array.from(parseCsv('a\r\n1\r\n2\r3\n4', 'eval.csv').recordLines)).toEqual([2, 3, 4, 5]);
  });

  test('blank lines at the end are ignored', () => {
    const parsed = parseCsv('a,b\n1,2\n\n\r\n\n', 'eval.csv');
    expect(parsed.rowCount).toBe(1);
    expect(parsed.columns).toEqual([['1'], ['2']]);
  });

  test('blank lines in the middle and at the start are skipped but still counted', () => {
    const parsed = parseCsv('\n\na,b\n1,2\n\n3,4\n', 'eval.csv');
    expect(parsed.header).toEqual(['a', 'b']);
    expect(parsed.columns).toEqual([
      ['1', '3'],
      ['2', '4']
    ]);
    expect(Array.from(parsed.recordLines)).toEqual([4, 6]);
  });

  test('a one-column file keeps "" as an empty record but skips a blank line', () => {
    const parsed = parseCsv('y\n1\n""\n\n2\n', 'eval.csv');
    expect(parsed.columns).toEqual([['1', '', '2']]);
    expect(Array.from(parsed.recordLines)).toEqual([2, 3, 5]);
  });
});

describe('parseCsv: quoted fields', () => {
  test('embedded delimiter, doubled quotes, empty quoted field', () => {
    expect(rows('a,b,c\n"x,y","say ""hi""",""\n')).toEqual([['x,y', 'say "hi"', '']]);
  });

  test('a field that is only a doubled quote', () => {
    expect(rows('a,b\n"""",""""""\n')).toEqual([['"', '""']]);
  });

  test('embedded LF, CRLF and CR are kept as written and records spanning lines get their start line', () => {
    const parsed = parseCsv('id,text\n1,"one\ntwo"\n2,"three\r\nfour\rfive"\r\n3,plain\n', 'eval.csv');
    expect(parsed.columns[1]).toEqual(['one\ntwo', 'three\r\nfour\rfive', 'plain']);
    expect(Array.from(parsed.recordLines)).toEqual([2, 4, 7]);
  });

  test('quoted header names', () => {
    expect(parseCsv('"a,1","b ""q"""\n1,2\n', 'eval.csv').header).toEqual(['a,1', 'b "q"']);
  });

  test('quoted last field without a trailing newline', () => {
    expect(rows('a,b\n1,"x\ny"')).toEqual([['1', 'x\ny']]);
  });

  test('a quoted field at the end of a line followed by CRLF', () => {
    expect(rows('a,b\r\n"1","2"\r\n"3","4"\r\n')).toEqual([
      ['1', '2'],
      ['3', '4']
    ]);
  });
});

describe('parseCsv: errors', () => {
  test('too many fields: names file:line:column, both counts, and what to do', () => {
    const error = errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n', 'eval.csv'));
    expect(error.message).toMatch(/^eval\.csv:4:6: record has 4 fields but the header has 3 — /);
    expect(error.message).toContain('quote fields that contain');
  });

  test('too few fields: column is the end of the record', () => {
    const error = errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'eval.csv'));
    expect(error.message).toMatch(/^eval\.csv:3:4: record has 2 fields but the header has 3 — add the missing fields/);
  });

  test('a single field where three are expected (singular wording)', () => {
    expect(() => parseCsv('a,b,c\nlonely\n', 'eval.csv')).toThrow('eval.csv:2:7: record has 1 field but the header has 3');
  });

  test('wrong count in a record that spans lines names where it went wrong and where it started', () => {
    const error = errorOf(() => parseCsv('a,b\n1,"x\ny",extra\n', 'eval.csv'));
    expect(error.message).toMatch(/^eval\.csv:3:3: record has 3 fields but the header has 2 \(the record starts at line 2\)/);
  });

  test('tab-delimited advice mentions tab', () => {
    expect(() => parseCsv('a\tb\n1\t2\t3\n', 'eval.tsv', { delimiter: '\t' })).toThrow(
      "eval.tsv:2:4: record has 3 fields but the header has 2 — quote fields that contain tab"
    );
  });

  test('unterminated quote names the line and column where it opened', () => {
    const error = errorOf(() => parseCsv('a,b\n1,2\n3,"never\nclosed,4\n5,6\n', 'eval.csv'));
    expect(error.message).toMatch(/^eval\.csv:3:3: quoted field is never closed/);
  });

  test('unterminated quote at the very end', () => {
    expect(() => parseCsv('a,b\n1,"', 'eval.csv')).toThrow('eval.csv:2:3: quoted field is never closed');
  });

  test('stray quote inside an unquoted field names line and column of the quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3,ab"c\n', 'eval.csv')).toThrow('eval.csv:3:5: stray \'"\' inside an unquoted field');
  });

  test('a quote after leading whitespace is a stray quote', () => {
    expect(() => parseCsv('a,b\n1, "x"\n', 'eval.csv')).toThrow('eval.csv:2:4: stray');
  });

  test('text after a closing quote', () => {
    const error = errorOf(() => parseCsv('a,b\n1,"x"y\n', 'eval.csv'));
    expect(error.message).toMatch(/^eval\.csv:2:6: unexpected "y" after the closing quote of a quoted field \(opened at eval\.csv:2:3\)/);
  });

  test('stray quote line numbers count lines inside earlier quoted fields', () => {
    expect(() => parseCsv('a,b\n1,"x\r\ny\rz"\n2,o"k\n', 'eval.csv')).toThrow('eval.csv:5:4: stray');
  });

  test('empty header name names the column index', () => {
    const error = errorOf(() => parseCsv('a,,c\n1,2,3\n', 'eval.csv'));
    expect(error.message).toBe('eval.csv:1: column 2 of the header has an empty name — give every column a name in the first line');
  });

  test('empty first header name hints at a pandas index column', () => {
    expect(() => parseCsv(',x\n0,1\n', 'eval.csv')).toThrow(/^eval\.csv:1: column 1 of the header has an empty name \(a file written by pandas `to_csv` without `index=False`/);
  });

  test('whitespace-only header name counts as empty', () => {
    expect(() => parseCsv('a, \n1,2\n', 'eval.csv')).toThrow('eval.csv:1: column 2 of the header has an empty name');
  });

  test('duplicate header names name both indexes', () => {
    expect(() => parseCsv('x,y,x\n1,2,3\n', 'eval.csv')).toThrow(
      'eval.csv:1: column 3 of the header, "x", has the same name as column 1 — give every column a distinct name'
    );
  });

  test('a duplicate name from the file is quoted on one line and shortened (found by test/fuzz)', () => {
    const name = `a\n::error::x${'z'.repeat(300)}`;
    expect(() => parseCsv(`"${name}",b,"${name}"\n1,2,3\n`, 'eval.csv')).toThrow(
      `eval.csv:1: column 3 of the header, "a\\n::error::x${'z'.repeat(188)}… (+112 characters)", has the same name as column 1`
    );
  });

  test('header error points at the header line after leading blank lines', () => {
    expect(() => parseCsv('\n\nx,x\n', 'eval.csv')).toThrow('eval.csv:3: column 2');
  });

  test('errors are DataErrors', () => {
    expect(() => parseCsv('a\n"', 'eval.csv')).toThrow(DataError);
  });
});

describe('parseCsv: delimiter', () => {
  test('tab delimiter keeps commas inside fields', () => {
    expect(rows('a\tb\n1,5\tx y\n', '\t')).toEqual([['1,5', 'x y']]);
  });

  test('semicolon delimiter with quoted semicolons', () => {
    expect(rows('a;b\n"1;2";3\n', ';')).toEqual([['1;2', '3']]);
  });

  test('an invalid delimiter is an InputError', () => {
    expect(() => parseCsv('a', 'x.csv', { delimiter: ',,' })).toThrow(InputError);
    expect(() => parseCsv('a', 'x.csv', { delimiter: '"' })).toThrow(InputError);
    expect(() => parseCsv('a', 'x.csv', { delimiter: '\n' })).toThrow(InputError);
    expect(() => parseCsv('a', 'x.csv', { delimiter: '' })).toThrow(InputError);
  });
});
