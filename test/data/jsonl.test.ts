import { parseJsonl } from '../../src/data/jsonl.js';
import { DataError } from '../../src/errors.js';
import type { CategoricalColumn, NumericColumn } from '../../src/types.js';

function byName(text: string, options = {}) {
  const parsed = parseJsonl(text, 'eval.jsonl', options);
  return { parsed, col: (name: string) => parsed.columns.find((c) => c.name === name)! };
}

describe('parseJsonl', () => {
  test('numbers, strings, booleans and null; keys in first-seen order; record lines', () => {
    const text = '{"x": 1.5, "y": "cat", "ok": true}\n\n{"y": "dog", "x": -2, "ok": false, "z": null}\n   \n{"x": null, "z": 3}\n';
    const { parsed, col } = byName(text);
    expect(parsed.rowCount).toBe(3);
    expect(parsed.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x', 'numeric'],
      ['y', 'categorical'],
      ['ok', 'categorical'],
      ['z', 'numeric']
    ]);
    expect(Array.from(parsed.recordLines)).toEqual([1, 3, 5]);
    const x = col('x') as NumericColumn;
    expect(Array.from(x.values)).toEqual([1.5, -2, NaN]);
    expect(x.raw).toEqual(['1.5', '-2', null]);
    expect(x.missing).toBe(1);
    expect(col('y').values).toEqual(['cat', 'dog', null]);
    expect(col('y').missing).toBe(1);
    expect(col('ok').values).toEqual(['true', 'false', null]);
    const z = col('z') as NumericColumn;
    expect(Array.from(z.values)).toEqual([NaN, NaN, 3]);
    expect(z.missing).toBe(2);
  });

  test('CRLF and CR line endings, BOM', () => {
    const { parsed } = byName('\ufeff{"a": 1}\r\n{"a": 2}\r{"a": 3}\r\n');
    expect(parsed.columns[0]!.name).toBe('a');
    expect(Array.from(parsed.columns[0]!.values as Float64Array)).toEqual([1, 2, 3]);
    expect(Array.from(parsed.recordLines)).toEqual([1, 2, 3]);
  });

  test('strings are never missing tokens; numbers mixed with strings are categorical', () => {
    const { col } = byName('{"s": "NA", "m": 1}\n{"s": "", "m": "two"}\n{"m": 3.0}\n');
    expect(col('s').kind).toBe('categorical');
    expect(col('s').values).toEqual(['NA', '', null]);
    expect(col('m').kind).toBe('categorical');
    expect(col('m').values).toEqual(['1', 'two', '3']);
  });

  test('numeric strings stay categorical (JSON types are kept)', () => {
    expect(byName('{"y": "1"}\n{"y": "0"}\n').col('y').kind).toBe('categorical');
  });

  test('categorical override', () => {
    const y = byName('{"y": 1}\n{"y": 0}\n{"y": null}\n', { categorical: ['y'] }).col('y') as CategoricalColumn;
    expect(y.kind).toBe('categorical');
    expect(y.values).toEqual(['1', '0', null]);
    expect(y.missing).toBe(1);
  });

  test('bare NaN (Python json.dumps) reads as missing, NaN inside strings is untouched', () => {
    const { col } = byName('{"x": NaN, "s": "NaN, \\"NaN\\""}\n{"x": 2, "s": "b"}\n');
    expect(Array.from(col('x').values as Float64Array)).toEqual([NaN, 2]);
    expect(col('x').missing).toBe(1);
    expect(col('s').values).toEqual(['NaN, "NaN"', 'b']);
  });

  test('bare Infinity is an error naming line and column', () => {
    expect(() => parseJsonl('{"x": 1}\n{"x": -Infinity}\n', 'eval.jsonl')).toThrow(
      'eval.jsonl:2:7: Infinity is neither valid JSON nor a finite number'
    );
  });

  test('a number that overflows is an error naming line and key', () => {
    expect(() => parseJsonl('{"x": 1e400}\n', 'eval.jsonl')).toThrow('eval.jsonl:1: key "x" holds a number too large to represent');
  });

  test('nested object or array names line and key', () => {
    expect(() => parseJsonl('{"a": 1}\n{"a": 2, "b": {"c": 1}}\n', 'eval.jsonl')).toThrow(
      'eval.jsonl:2: key "b" holds an object; only numbers, strings, booleans and null can be columns'
    );
    expect(() => parseJsonl('{"a": 1}\n\n{"a": [1, 2]}\n', 'eval.jsonl')).toThrow('eval.jsonl:3: key "a" holds an array');
  });

  test('a key from the file is quoted on one line and shortened (found by test/fuzz)', () => {
    expect(() => parseJsonl('{"\\r\\n::set-output name=x::y": [1]}\n', 'eval.jsonl')).toThrow('eval.jsonl:1: key "\\r\\n::set-output name=x::y" holds an array');
    expect(() => parseJsonl(`{"${'k'.repeat(5000)}": 1e400}\n`, 'eval.jsonl')).toThrow(`eval.jsonl:1: key "${'k'.repeat(200)}… (+4800 characters)" holds a number too large`);
  });

  test('invalid JSON names the line, and the column when JSON.parse gives a position', () => {
    expect(() => parseJsonl('{"a": 1}\n{"a": 1\n', 'eval.jsonl')).toThrow(
      "eval.jsonl:2:8: invalid JSON (Expected ',' or '}' after property value) — each line must be one complete JSON object"
    );
    expect(() => parseJsonl('{"a": 1}\n{"a": }\n', 'eval.jsonl')).toThrow(/^eval\.jsonl:2(:\d+)?: invalid JSON \(/);
  });

  test('the V8 message does not echo a long line', () => {
    const long = `{"a": ${'1'.repeat(5000)}x}`;
    let message = '';
    try {
      parseJsonl(long, 'eval.jsonl');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^eval\.jsonl:1/);
    expect(message.length).toBeLessThan(300);
  });

  test('a line that is not an object', () => {
    expect(() => parseJsonl('{"a": 1}\n[1, 2]\n', 'eval.jsonl')).toThrow('eval.jsonl:2: expected a JSON object on this line, got an array — ');
    expect(() => parseJsonl('{"a": 1}\n"x"\n', 'eval.jsonl')).toThrow('eval.jsonl:2: expected a JSON object on this line, got a string');
    expect(() => parseJsonl('null\n', 'eval.jsonl')).toThrow('got null');
  });

  test('a single JSON array file is refused with a conversion hint', () => {
    expect(() => parseJsonl('[{"a": 1}, {"a": 2}]\n', 'eval.jsonl')).toThrow("jq -c '.[]'");
    expect(() => parseJsonl('[\n  {"a": 1}\n]\n', 'eval.jsonl')).toThrow(/^eval\.jsonl:1(:\d+)?: invalid JSON .*jq -c/);
  });

  test('empty input has no rows and no columns', () => {
    const parsed = parseJsonl('\n  \n', 'eval.jsonl');
    expect(parsed.rowCount).toBe(0);
    expect(parsed.columns).toEqual([]);
  });

  test('errors are DataErrors', () => {
    expect(() => parseJsonl('{', 'eval.jsonl')).toThrow(DataError);
  });
});
