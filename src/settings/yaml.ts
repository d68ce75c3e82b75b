// YAML text from an input or a file, parsed once way: a syntax error names the source, line and
// column, and says what the text should look like.

import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';

/** `what` completes "SOURCE:LINE:COL: <what> not valid YAML (...)", e.g. "the config file is". */
export function parseYamlText(text: string, source: string, what: string, advice = ''): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
    throw new InputError(`${where}: ${what} not valid YAML (${e.message.split('\n')[0]}).${advice ? ` ${advice}` : ''}`);
  }
  return doc.toJS();
}
