// Line-level helpers the document editors share: a file split into lines that joins back byte for byte,
// the lines inside code fences (where nothing is a heading or a marker), and the markers' key.

/** A text as lines without their endings, and how it joins back: the line ending it uses and whether it ends with one. */
export interface Lines {
  lines: string[];
  eol: '\n' | '\r\n';
  finalEol: boolean;
}

export function splitLines(text: string): Lines {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const finalEol = text.endsWith('\n');
  const body = finalEol ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
  // Each line keeps any \r a mixed file has: only the ending the file uses is taken off.
  const lines = text === '' ? [] : body.split(eol);
  return { lines, eol, finalEol };
}

export function joinLines(l: Lines): string {
  if (l.lines.length === 0) return '';
  return l.lines.join(l.eol) + (l.finalEol ? l.eol : '');
}

/** For each line, whether it lies inside (or opens or closes) a fenced code block: ``` or ~~~, three or more. */
export function fencedLines(lines: readonly string[]): boolean[] {
  const inside: boolean[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) {
      if (m) fence = m[1];
      inside.push(fence !== undefined);
    } else {
      inside.push(true);
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1].trim()) fence = undefined;
    }
  }
  return inside;
}

/** Whether a fenced code block is still open at the end: anything added after it would be code. */
export function unclosedFence(lines: readonly string[]): boolean {
  let fence: string | undefined;
  for (const line of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) fence = m?.[1];
    else if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1].trim()) fence = undefined;
  }
  return fence !== undefined;
}

/**
 * A key for an HTML comment: percent-encoded (as encodeURIComponent does), so no space, `<`, `>` or line
 * break, and a `-` before another `-` written %2D, so the key never holds `--` and cannot end the comment.
 */
export function markerKey(key: string): string {
  const encoded = encodeURIComponent(key === '' ? 'default' : key);
  return encoded.replace(/-(?=-)/g, '%2D').replace(/-$/, '%2D');
}

/** Control characters and line breaks out, `<` and `>` as entities: a line that cannot open HTML or a comment. */
export function inertLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
