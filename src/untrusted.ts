// Strings from pull requests are data: every value from data files, models, configs and commands is
// shortened before it reaches a message, and every line printed or posted passes through the scrubber
// (secrets out) and the log guard (no workflow command smuggled in at the start of a line).

/** The longest piece of an untrusted value shown anywhere (messages, the comment, the summary, the JSON). */
export const MAX_VALUE_CHARS = 200;

/** The longest message or sentence shown anywhere (log lines, findings, the JSON's prose); values inside are already shortened. */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * The text cut to `max` characters, with how much was left out: `abc… (+1234 characters)`.
 * Never splits a surrogate pair.
 */
export function shorten(text: string, max = MAX_VALUE_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}… (+${text.length - end} characters)`;
}

/**
 * An untrusted value for a message: shortened, in double quotes, with line breaks and other control
 * characters written as escapes, so it stays on one line and cannot end the message early.
 */
export function quote(value: unknown): string {
  const text = shorten(String(value));
  return `"${text.replace(/[\u0000-\u001f\u007f\u2028\u2029"\\]/g, escapeChar)}"`;
}

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** quote() without the quotes: for a value that sits inside parentheses or a list of a message. */
export function inline(value: unknown): string {
  return quote(value).slice(1, -1);
}

// GitHub's token formats: classic and fine-grained personal access tokens, OAuth, user-to-server,
// server-to-server (installation, including GITHUB_TOKEN) and refresh tokens.
const TOKEN_SHAPES = /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255})\b/g;

/** What replaces a secret. */
export const MASK = '***';

/**
 * A function that removes the given secrets, and anything shaped like a GitHub token, from text.
 * Secrets shorter than 4 characters are ignored (masking "a" would mask every "a").
 */
export function scrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  // Each secret also as quote() and JSON write it, since a message may have escaped it before the scrub.
  const forms = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1), inline(s)]);
  // Longest first, so a secret that contains another is removed whole.
  const known = [...new Set(forms)].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of known) if (out.includes(s)) out = out.split(s).join(MASK);
    return out.replace(TOKEN_SHAPES, MASK);
  };
}

/** Without known secrets: removes what is shaped like a GitHub token (for lines printed before settings are read). */
export const scrubTokens = scrubber([]);

// The runner reads a workflow command from a line that starts, after white space (.NET's, which counts
// U+0085 too), with `::`; its older parser finds `##[command]` anywhere in a line. Such text from a value
// could set outputs, add masks or stop command processing for the rest of the step.
const COMMAND_START = /^([\s\u0085]*)::/;
const LEGACY_COMMAND = /##\[/g;

/**
 * Text that is safe to print to a workflow log: a line that would start a workflow command gets a
 * visible `›` in front, `##[` anywhere becomes `## [`, and stray carriage returns (which can hide a
 * line's start) become line breaks.
 */
export function safeLogText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(LEGACY_COMMAND, '## [').replace(COMMAND_START, '$1› ::'))
    .join('\n');
}

/** Keys whose strings are sentences model-gate wrote (values inside already shortened): a longer limit. */
const PROSE_KEYS = new Set(['message', 'changelog', 'text', 'notes', 'note', 'reason', 'changes', 'summary']);

/**
 * A copy of a JSON-ready value with every string shortened: sentences (PROSE_KEYS) to 2,000
 * characters, anything else (names, paths, labels, values) to 200.
 */
export function clipStrings<T>(value: T, key = ''): T {
  if (typeof value === 'string') return shorten(value, PROSE_KEYS.has(key) ? MAX_MESSAGE_CHARS : MAX_VALUE_CHARS) as T;
  if (Array.isArray(value)) return value.map((v) => clipStrings(v, key)) as T;
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[shorten(k)] = clipStrings(v, k);
    return out as T;
  }
  return value;
}

/**
 * A copy of plain data (objects, arrays) with `fn` applied to every string in it; other values are
 * kept as they are. Secrets are scrubbed this way before rendering, since escaping for markdown would
 * change them (`hf_x` becomes `hf\\_x`) and hide them from a scrubber run afterwards.
 */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out as T;
  }
  return value;
}

/** Column names for a message: each quoted and shortened, as many as fit in about 1,000 characters, then how many more. */
export function nameList(names: readonly string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    const q = quote(name);
    if (shown.length > 0 && length + q.length > 1000) break;
    shown.push(q);
    length += q.length + 2;
  }
  const more = names.length - shown.length;
  return shown.join(', ') + (more > 0 ? `, … and ${more} more` : '');
}
