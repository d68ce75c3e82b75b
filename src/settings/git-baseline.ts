// A baseline that names a git revision instead of a file: `@base`, `@previous-release` or `@<rev>` (a tag,
// branch or commit), each optionally followed by `:other/path`. Without a path it means the candidate's own
// path. The value comes from a pull request, so the revision is held to names git itself would accept as
// a tag or branch (or a hex commit id): nothing that could be read as an option, a range or a rev-parse
// expression, and no white space or control characters.

import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';

export type GitRevisionSpec =
  /** The pull request's merge base. */
  | { kind: 'base' }
  /** The newest release tag older than the current one. */
  | { kind: 'previous-release' }
  /** A tag, branch or commit id, as written. */
  | { kind: 'rev'; rev: string };

export type GitBaselineSpec = GitRevisionSpec & {
  /** The model's path at that revision, relative to the repository root ('/'-separated); undefined: the candidate's own path. */
  path?: string;
  /** The value as written, for messages. */
  text: string;
};

/** The longest revision or path accepted (git's own limit on a ref name is far above any real one). */
const MAX_PART = 1024;

/**
 * The git baseline a value names, or undefined when it names no revision (it does not start with `@`;
 * a file whose name starts with `@` is written `./@name`). `input` names the input for messages, e.g.
 * `baselines: main`. Throws InputError for a malformed or unsafe revision or path.
 */
export function parseGitBaseline(value: string, input: string): GitBaselineSpec | undefined {
  if (!value.startsWith('@')) return undefined;
  const bad = (why: string) => new InputError(`${input}: ${quote(value)} ${why}`);
  const body = value.slice(1);
  const colon = body.indexOf(':');
  const rev = colon < 0 ? body : body.slice(0, colon);
  const rawPath = colon < 0 ? undefined : body.slice(colon + 1);
  const path = rawPath === undefined ? undefined : checkRepoPath(rawPath, bad);
  let spec: GitRevisionSpec;
  if (rev === 'base') spec = { kind: 'base' };
  else if (rev === 'previous-release') spec = { kind: 'previous-release' };
  else {
    checkRevision(rev, bad);
    spec = { kind: 'rev', rev };
  }
  return { ...spec, ...(path !== undefined ? { path } : {}), text: value };
}

const EXAMPLES = 'write @base, @previous-release, @<tag, branch or commit>, optionally followed by :path/in/the/repository';

/** Throws unless `rev` is a plain tag, branch or commit name (see the module's comment). */
export function checkRevision(rev: string, bad: (why: string) => Error): void {
  if (rev === '') throw bad(`names no revision after "@": ${EXAMPLES}.`);
  if (rev.length > MAX_PART) throw bad(`names a revision longer than ${MAX_PART} characters.`);
  if (/[\u0000-\u0020\u007f]/.test(rev)) throw bad('has white space or a control character in its revision; a tag, branch or commit name has none.');
  if (rev.startsWith('-')) throw bad('names a revision that starts with "-", which git could read as an option; a tag or branch name never does.');
  if (rev.includes('..')) throw bad(`names a range or a name with "..", not one revision: ${EXAMPLES}.`);
  // Git's rules for ref names (git check-ref-format), narrowed to ASCII: no ~ ^ : ? * [ \ { or @{ expressions.
  if (!/^[A-Za-z0-9._/+-]+$/.test(rev)) {
    throw bad(`names a revision with characters other than ASCII letters, digits and . _ / + -: ${EXAMPLES} (rev-parse expressions such as ~1 or ^ are not accepted).`);
  }
  if (rev.startsWith('/') || rev.endsWith('/') || rev.includes('//') || rev.endsWith('.') || rev.endsWith('.lock') || /(^|\/)\./.test(rev)) {
    throw bad('names a revision that is not a valid tag or branch name (a part starts with "." or is empty, or it ends with "/", "." or ".lock").');
  }
}

/**
 * A path inside the repository, checked and made canonical: '/'-separated, relative, no '.', '..' or
 * empty parts (a leading './' and a trailing '/' are dropped), no control characters or backslashes.
 */
export function checkRepoPath(raw: string, bad: (why: string) => Error): string {
  const trimmed = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (trimmed === '') throw bad('names no path after ":"; give the model\'s path from the repository root, or leave out ":" to use the candidate\'s own path.');
  if (trimmed.length > MAX_PART) throw bad(`names a path longer than ${MAX_PART} characters.`);
  if (/[\u0000-\u001f\u007f\\]/.test(trimmed)) throw bad('names a path with a control character or a backslash; write paths with "/".');
  if (trimmed.startsWith('/')) throw bad('names an absolute path; give the path from the repository root, e.g. models/old/model.onnx.');
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw bad('names a path with an empty, "." or ".." part; give the plain path from the repository root.');
  if (parts.some((p) => p.toLowerCase() === '.git')) throw bad('names a path inside .git, which is not part of any revision.');
  return trimmed;
}

/** The name a baseline written as a bare `@…` gets: base, previous-release, the tag or branch, or a commit's first 7 digits. */
export function gitBaselineName(spec: GitBaselineSpec): string {
  if (spec.kind !== 'rev') return spec.kind;
  return /^[0-9a-f]{40,64}$/.test(spec.rev) ? spec.rev.slice(0, 7) : spec.rev;
}
