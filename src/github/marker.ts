// The hidden HTML comment that identifies model-gate's sticky comment on a pull request.

const MARKER_PREFIX = '<!-- model-gate:comment key=';
const MARKER_SUFFIX = ' -->';

/** Characters a key may keep as written; everything else is percent-encoded. */
const SAFE = /^[A-Za-z0-9_.:/@+,=-]$/;

/**
 * Encode a user-chosen key so that it cannot end the HTML comment or break the marker line:
 * `--`, `>`, `<`, whitespace and newlines never appear in the result. Characters outside a small
 * safe set become `%XX` (UTF-8), `%` included, so distinct keys stay distinct; a `-` that follows
 * another `-` becomes `%2D`, so the key never contains `--`.
 */
export function sanitizeMarkerKey(key: string): string {
  let out = '';
  for (const char of key) {
    if (char === '-' && out.endsWith('-')) {
      out += '%2D';
    } else if (SAFE.test(char)) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out === '' ? 'default' : out;
}

/** `<!-- model-gate:comment key=KEY -->` for the given key. */
export function commentMarker(key: string): string {
  return `${MARKER_PREFIX}${sanitizeMarkerKey(key)}${MARKER_SUFFIX}`;
}

/**
 * Whether the body starts with the marker for exactly this key (a key that merely starts the same does not
 * count). Only its first line counts: a marker quoted further down (a command's log, another bot quoting the
 * pull request) must not make a run adopt, overwrite or delete a comment that is not its own.
 */
export function hasMarker(body: string | null | undefined, key: string): boolean {
  if (!body) return false;
  return body.trimStart().startsWith(commentMarker(key));
}
