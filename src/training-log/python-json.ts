// JSON as Python's `json.dump` writes it: standard JSON plus the bare tokens NaN, Infinity and
// -Infinity (allow_nan=True is Python's default, and a diverged loss is NaN). Pure; no I/O.
//
// Objects come back with a null prototype, so a key such as "__proto__" is an ordinary key.
// A repeated key keeps its last value, as Python does.

import { at, DataError } from '../errors.js';

export type PyJson = number | string | boolean | null | PyJson[] | { [key: string]: PyJson };

const MAX_DEPTH = 512;

export function parsePythonJson(text: string, source: string): PyJson {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (what: string, index = i): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < index && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new DataError(`${at(source, line, index - lineStart + 1)}: invalid JSON: ${what}`);
  };

  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };

  const literal = (word: string, value: PyJson): PyJson => {
    if (!text.startsWith(word, i)) fail(`unexpected ${describe(i)}`);
    i += word.length;
    return value;
  };

  const describe = (index: number): string =>
    index >= text.length ? 'end of file' : `character ${JSON.stringify(text[index])}`;

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const number = (): number => {
    if (text.startsWith('-Infinity', i)) {
      i += 9;
      return -Infinity;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail(`unexpected ${describe(i)}`);
    i += m[0].length;
    return Number(m[0]);
  };

  const string = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c === 92) {
        out += text.slice(runStart, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape', i - 2);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('invalid escape in string', i - 2);
        }
        runStart = i;
        continue;
      }
      i++;
    }
  };

  const value = (depth: number): PyJson => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    ws();
    const c = text[i];
    switch (c) {
      case '{': {
        i++;
        const obj: { [key: string]: PyJson } = Object.create(null);
        ws();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        for (;;) {
          ws();
          if (text[i] !== '"') fail(`expected a quoted key, found ${describe(i)}`);
          const key = string();
          ws();
          if (text[i] !== ':') fail(`expected ':' after a key, found ${describe(i)}`);
          i++;
          obj[key] = value(depth + 1);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            return obj;
          }
          fail(`expected ',' or '}', found ${describe(i)}`);
        }
      }
      case '[': {
        i++;
        const arr: PyJson[] = [];
        ws();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        for (;;) {
          arr.push(value(depth + 1));
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            return arr;
          }
          fail(`expected ',' or ']', found ${describe(i)}`);
        }
      }
      case '"':
        return string();
      case 't':
        return literal('true', true);
      case 'f':
        return literal('false', false);
      case 'n':
        return literal('null', null);
      case 'N':
        return literal('NaN', NaN);
      case 'I':
        return literal('Infinity', Infinity);
      default:
        return number();
    }
  };

  const result = value(0);
  ws();
  if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
  return result;
}
