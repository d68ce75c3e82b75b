// Create or update model-gate's single ("sticky") comment on a pull request.
import { GitHubError } from '../errors.js';
import { CLIENT_DEFAULTS, type GitHubClient } from './client.js';
import { commentMarker, hasMarker } from './marker.js';
import { answerLost, GitHubHttpError, githubCall } from './http-error.js';
import { quote } from '../untrusted.js';

export type { GitHubClient } from './client.js';

/** GitHub rejects issue comment bodies longer than this ("body is too long (maximum is 65536 characters)"). */
export const MAX_COMMENT_LENGTH = 65536;

/** The login that GITHUB_TOKEN (the Actions installation token) writes comments as (a Bot-type user). */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

/** A plain http(s) link to the workflow run, or the words "workflow run". */
function runLink(runUrl?: string): string {
  // runUrl comes from GitHub's environment; still, only a plain http(s) link is made.
  return runUrl && /^https?:\/\/[^\s()<>[\]]+$/.test(runUrl) ? `[workflow run](${runUrl})` : 'workflow run';
}

/**
 * The note put where a body was cut; it links the workflow run when given an http(s) link to it, and
 * says what was cut (`cut`, from fitCommentBody) when sections of the report were left out.
 */
export function truncationNote(runUrl?: string, cut = ''): string {
  return (
    "> [!NOTE]\n> This report was cut short to fit GitHub's 65536-character comment limit. " +
    `The full report is in the ${runLink(runUrl)}'s job summary (and in the report artifact, where the workflow uploads one).` +
    (cut ? `\n> ${cut}` : '')
  );
}

export const DEFAULT_TRUNCATION_NOTE = truncationNote();

export interface UpsertCommentOptions {
  owner: string;
  repo: string;
  /** Pull request (issue) number. */
  issueNumber: number;
  /** Markdown body; the marker is put in front when it is not already the first thing. */
  body: string;
  /** Identifies this sticky comment among others (e.g. one per workflow or per model). */
  key: string;
  /**
   * Login of the account the token writes as (the `comment-author` input, e.g. `my-app[bot]` for a
   * GitHub App's token). When left out it is asked from GET /user; when that is refused (401/403:
   * GITHUB_TOKEN and app installation tokens) it is taken to be `github-actions[bot]`, GITHUB_TOKEN's.
   * Only comments by this login are ever edited or deleted. When the comment this run posts shows
   * another login (an app token without comment-author), that login is used from then on, and `warn`
   * is told to set comment-author.
   */
  author?: string;
  /** Longest body sent (defaults to GitHub's 65536). */
  maxLength?: number;
  /** The note put where the body had to be cut (default: truncationNote(runUrl, what was cut)). */
  truncationNote?: CutNote;
  /** The workflow run's page, linked from the note that ends a cut body. */
  runUrl?: string;
  /** Posts to try again after their answer was lost (a reset, a timeout, a 5xx), listing first (default 3). */
  retries?: number;
  /** How long one second of a wait lasts, in ms (default 1000; tests shrink it). */
  secondMs?: number;
  /** Told, once, when the comment this run posted shows that `author` was not the token's login (e.g. core.warning). */
  warn?: (message: string) => void;
}

export interface UpsertCommentResult {
  id: number;
  url: string;
  action: 'created' | 'updated';
}

const ROUTES = {
  user: 'GET /user',
  list: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  create: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  update: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  remove: 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}'
} as const;


const enc = encodeURIComponent;

/**
 * The login the token acts as, from GET /user (a user's token); undefined when GitHub answers 401/403:
 * GITHUB_TOKEN and GitHub App installation tokens may not call GET /user.
 */
export async function resolveAuthor(octokit: GitHubClient): Promise<string | undefined> {
  try {
    const response = await githubCall(ROUTES.user, '/user', () => octokit.rest.users.getAuthenticated());
    return response.data.login;
  } catch (error) {
    if (error instanceof GitHubHttpError && (error.status === 401 || error.status === 403)) return undefined;
    throw error;
  }
}

/** The body with the marker as its first line. */
export function withMarker(body: string, key: string): string {
  const marker = commentMarker(key);
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}

/** How a limit counts: UTF-16 code units (never fewer than GitHub's characters) or UTF-8 bytes (a file: the job summary). */
export type SizeUnit = 'chars' | 'bytes';

/**
 * The note put where a body was cut: a fixed text, or one made from a sentence saying which sections
 * were cut ('' when only the end of a report without sections was cut).
 */
export type CutNote = string | ((cut: string) => string);

function sizer(unit: SizeUnit): (text: string) => number {
  return unit === 'bytes' ? (text) => Buffer.byteLength(text, 'utf8') : (text) => text.length;
}

const encoder = new TextEncoder();

/** The longest start of `text` within `budget` units that splits no character (surrogate pair or UTF-8 sequence). */
export function prefixWithin(text: string, budget: number, unit: SizeUnit = 'chars'): string {
  if (budget <= 0) return '';
  if (unit === 'chars') {
    const cut = text.slice(0, budget);
    return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  }
  if (budget >= text.length * 3) return text;
  return text.slice(0, encoder.encodeInto(text, new Uint8Array(budget)).read);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Follows code fences line by line: the open fence after `line`, or undefined. */
function nextFence(fence: string | undefined, line: string): string | undefined {
  const match = FENCE.exec(line);
  if (!match) return fence;
  const token = match[1]!;
  if (fence === undefined) return token;
  return token[0] === fence[0] && token.length >= fence.length && line.trim() === token ? undefined : fence;
}

const countOf = (line: string, pattern: RegExp): number => (line.match(pattern) ?? []).length;
const DETAILS_OPEN = /<details\b/gi;
const DETAILS_CLOSE = /<\/details>/gi;

function unclosedBlocks(text: string): string {
  let fence: string | undefined;
  let opened = 0;
  let closed = 0;
  for (const line of text.split('\n')) {
    const inFence = fence !== undefined;
    fence = nextFence(fence, line);
    if (inFence || fence !== undefined) continue;
    opened += countOf(line, DETAILS_OPEN);
    closed += countOf(line, DETAILS_CLOSE);
  }
  let closers = '';
  if (fence !== undefined) closers += `\n${fence}`;
  if (text.lastIndexOf('<!--') > text.lastIndexOf('-->')) closers += ' -->';
  for (let i = closed; i < opened; i++) closers += '\n\n</details>';
  return closers;
}

/** A cut inside a line must not leave half an HTML entity (`&am`) or a lone escaping backslash. */
function trimBrokenEscape(text: string): string {
  return text.replace(/&#?[A-Za-z0-9]{0,31}$/, '').replace(/(^|[^\\])((?:\\\\)*)\\$/, '$1$2');
}

/** A cut that would drop more than this much of one line keeps the line's start instead. */
const LONG_LINE = 1000;

/**
 * The start of `text` within `budget`, cut at a line boundary unless that drops most of one very long
 * line (a finding quoting a huge value: then that line's start is kept, ending in `…`); open code
 * fences, HTML comments and <details> blocks are closed. `floor`: a line cut never goes before it (the marker).
 */
function cutHead(text: string, budget: number, unit: SizeUnit, floor: number): string | undefined {
  const size = sizer(unit);
  let take = budget;
  for (let attempt = 0; attempt < 8 && take > 0; attempt++) {
    let cut = prefixWithin(text, take, unit);
    const lineEnd = cut.lastIndexOf('\n');
    if (lineEnd > floor && cut.length - lineEnd <= LONG_LINE) cut = cut.slice(0, lineEnd);
    else cut = trimBrokenEscape(cut) + '…';
    const result = cut.trimEnd() + unclosedBlocks(cut);
    if (size(result) <= budget) return result;
    take -= size(result) - budget;
  }
  return undefined;
}

/** One top-level piece of a report: plain markdown, or a whole <details> block (nested ones inside). */
interface Segment {
  lines: string[];
  details: boolean;
  /** The <details> block's <summary> text. */
  title?: string;
}

/** The body cut into top-level <details> blocks and the text between them; code fences are followed. */
function segmentsOf(body: string): Segment[] {
  const segments: Segment[] = [];
  let current: string[] = [];
  let depth = 0;
  let fence: string | undefined;
  const flush = (details: boolean): void => {
    if (current.length === 0) return;
    const summary = details ? /<summary>(.*?)<\/summary>/i.exec(current.slice(0, 2).join('\n')) : null;
    segments.push({ lines: current, details, ...(summary ? { title: summary[1]! } : {}) });
    current = [];
  };
  for (const line of body.split('\n')) {
    const inFence = fence !== undefined;
    fence = nextFence(fence, line);
    const opens = inFence || fence !== undefined ? 0 : countOf(line, DETAILS_OPEN);
    const closes = inFence || fence !== undefined ? 0 : countOf(line, DETAILS_CLOSE);
    if (depth === 0 && opens > 0) flush(false);
    current.push(line);
    if (depth === 0 && opens === 0) continue;
    depth += opens - closes;
    if (depth <= 0) {
      depth = 0;
      flush(true);
    }
  }
  flush(depth > 0);
  return segments;
}

const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * The longest start of a <details> block within `budget` that is still whole markdown: cut between
 * lines, never between a table's header and its delimiter row, with its fences and <details> closed.
 * Undefined when not one line of its content fits.
 */
function cutBlock(seg: Segment, budget: number, unit: SizeUnit): { text: string; kept: number; total: number } | undefined {
  const size = sizer(unit);
  const { lines } = seg;
  // The content starts after the <summary> line.
  const first = Math.max(1, lines.findIndex((l) => /<\/summary>/i.test(l)) + 1);
  const contentLines = (from: number, to: number) => lines.slice(from, to).filter((l) => l.trim() !== '').length;
  let fence: string | undefined;
  let depth = 0;
  let used = -1; // no newline before the first line
  let kept = 0;
  let best: { end: number; kept: number; closers: string } | undefined;
  for (let k = 0; k < lines.length - 1; k++) {
    const line = lines[k]!;
    const inFence = fence !== undefined;
    fence = nextFence(fence, line);
    if (!inFence && fence === undefined) depth += countOf(line, DETAILS_OPEN) - countOf(line, DETAILS_CLOSE);
    used += size(line) + 1;
    if (used > budget) break;
    if (k >= first && line.trim() !== '') kept += 1;
    if (k < first || line.trim() === '') continue;
    // A table header without its delimiter row would not be a table; a half code block is closed below.
    if (TABLE_DELIMITER.test(lines[k + 1] ?? '') && !TABLE_DELIMITER.test(line)) continue;
    const closers = (fence !== undefined ? `\n${fence}` : '') + '\n\n</details>'.repeat(Math.max(depth, 1));
    if (used + size(closers) <= budget) best = { end: k + 1, kept, closers };
  }
  if (best === undefined) return undefined;
  return { text: lines.slice(0, best.end).join('\n') + best.closers, kept: best.kept, total: contentLines(first, lines.length - 1) };
}

/** A title for the note, plain and short. */
function titleOf(seg: Segment): string {
  const title = seg.title ?? (seg.lines.find((l) => /^#{1,6} /.test(l)) ?? '').replace(/^#+ /, '');
  const short = title.length > 80 ? trimBrokenEscape(title.slice(0, 80)) + '…' : title;
  return short.replace(/<[^>]*>/g, '') || 'text';
}

interface Plan {
  /** The kept text up to the cut (the first screen, the sections before the cut and the cut one). */
  before: string;
  /** The sections after the cut that still fit. */
  between: string;
  /** The changelog entry and the footer. */
  after: string;
  cut: string;
}

/**
 * Cut a body that is longer than `maxLength` so that the first screen and the end stay: the text
 * before the first <details> block (the marker, the verdict and the failed gates) and the last
 * block when it is the changelog entry, with the footer after it. The sections in between are kept
 * whole in order while they fit; the first that does not is cut between lines (never inside a
 * table row, with its fences and <details> closed), and the others that do not fit are left out.
 * The note goes where the cut is and says what was cut. A body without sections, or whose first screen
 * alone is too long, keeps its start, as `cutHead` says. Bodies that fit are returned unchanged.
 *
 * `unit`: 'chars' counts UTF-16 units (never fewer than GitHub's character count, for comments and
 * check runs); 'bytes' counts UTF-8 bytes (the job summary file).
 */
export function fitCommentBody(
  body: string,
  key: string,
  maxLength = MAX_COMMENT_LENGTH,
  note: CutNote = (cut) => truncationNote(undefined, cut),
  unit: SizeUnit = 'chars'
): string {
  const size = sizer(unit);
  if (size(body) <= maxLength) return body;
  const noteFor = (cut: string): string => (typeof note === 'string' ? note : note(cut));
  const marker = commentMarker(key);
  let slack = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const plan = planCut(body, maxLength - slack, unit, marker.length, size(noteFor('')));
    if (plan === undefined) break;
    const noteText = noteFor(plan.cut);
    const rest = [plan.between, plan.after].map((t) => t.replace(/^\n+/, '').trimEnd()).filter((t) => t !== '').join('\n\n');
    const result = `${plan.before.trimEnd()}\n\n${noteText}${rest ? `\n\n${rest}${plan.after.endsWith('\n') ? '\n' : ''}` : ''}`;
    if (size(result) <= maxLength) return result;
    // A cut between lines may not move for a few units: grow the margin at least twofold.
    slack += Math.max(size(result) - maxLength, slack);
  }
  // Pathological input (the limit is smaller than marker + note): keep what fits.
  return prefixWithin(`${marker}\n${noteFor('')}`, maxLength, unit);
}

function planCut(body: string, limit: number, unit: SizeUnit, floor: number, noteSize: number): Plan | undefined {
  const size = sizer(unit);
  const segs = segmentsOf(body);
  const firstBlock = segs.findIndex((s) => s.details);
  let lastBlock = -1;
  segs.forEach((s, i) => {
    if (s.details) lastBlock = i;
  });
  const join = (parts: readonly Segment[]) => parts.map((s) => s.lines.join('\n')).join('\n');
  const available = limit - noteSize - 4; // the blank lines around the note
  if (firstBlock < 0) {
    const before = cutHead(body, available, unit, floor);
    return before === undefined ? undefined : { before, between: '', after: '', cut: '' };
  }
  const tailStart = /^changelog entry$/i.test(segs[lastBlock]!.title ?? '') ? lastBlock : lastBlock + 1;
  const head = join(segs.slice(0, firstBlock));
  const middle = segs.slice(firstBlock, Math.max(firstBlock, tailStart));
  const after = join(segs.slice(Math.max(firstBlock, tailStart)));
  const afterSize = after ? size(after) + 2 : 0;
  const everyTitle = middle.filter((s) => s.lines.some((l) => l.trim() !== '')).map(titleOf);

  if (size(head) + afterSize > available) {
    // The first screen alone is too long: keep its start, and the changelog entry when it is small.
    const keepAfter = afterSize <= available / 2;
    const before = cutHead(head, available - (keepAfter ? afterSize : 0), unit, floor);
    if (before === undefined) return undefined;
    return { before, between: '', after: keepAfter ? after : '', cut: describeCut([], everyTitle) };
  }

  let budget = available - afterSize - size(head);
  const kept: (string | undefined)[] = middle.map(() => undefined);
  middle.forEach((seg, i) => {
    const text = seg.lines.join('\n');
    if (size(text) + 1 <= budget) {
      kept[i] = text;
      budget -= size(text) + 1;
    }
  });
  const partial: string[] = [];
  const firstLeftOut = middle.findIndex((s, i) => kept[i] === undefined && s.details);
  if (firstLeftOut >= 0) {
    const cut = cutBlock(middle[firstLeftOut]!, budget - 1, unit);
    if (cut && cut.kept > 0) {
      kept[firstLeftOut] = cut.text;
      partial.push(`${titleOf(middle[firstLeftOut]!)} (${cut.kept} of ${cut.total} lines kept)`);
    }
  }
  const leftOut = middle.filter((s, i) => kept[i] === undefined && s.lines.some((l) => l.trim() !== '')).map(titleOf);
  // The note goes right after the first section that was cut or left out.
  const cutAt = firstLeftOut >= 0 ? firstLeftOut + 1 : middle.length;
  const keptOf = (from: number, to: number) => kept.slice(from, to).filter((t): t is string => t !== undefined);
  const before = [head, ...keptOf(0, cutAt)].join('\n');
  return { before, between: keptOf(cutAt, middle.length).join('\n'), after, cut: describeCut(partial, leftOut) };
}

/** "Cut: Slices (812 of 4003 lines kept). Left out: Per label, Models." */
function describeCut(partial: readonly string[], leftOut: readonly string[]): string {
  const parts: string[] = [];
  if (partial.length) parts.push(`Cut: ${partial.join(', ')}.`);
  if (leftOut.length) {
    const shown = leftOut.slice(0, 12);
    parts.push(`Left out: ${shown.join(', ')}${leftOut.length > shown.length ? ` and ${leftOut.length - shown.length} more` : ''}.`);
  }
  return parts.join(' ');
}

type IssueComment = Awaited<ReturnType<GitHubClient['rest']['issues']['createComment']>>['data'];

/** The REST calls on one pull request's comments, each failure a GitHubHttpError. */
function commentsApi(octokit: GitHubClient, owner: string, repo: string, issueNumber: number) {
  const issuePath = `/repos/${enc(owner)}/${enc(repo)}/issues/${issueNumber}`;
  const commentPath = (id: number): string => `/repos/${enc(owner)}/${enc(repo)}/issues/comments/${id}`;
  return {
    list: () =>
      githubCall(ROUTES.list, `${issuePath}/comments`, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })
      ),
    // No automatic retry: a POST whose answer is lost may have made the comment; the caller lists first.
    create: async (body: string): Promise<IssueComment> =>
      (
        await githubCall(ROUTES.create, `${issuePath}/comments`, () =>
          octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body, request: { retries: 0 } })
        )
      ).data,
    update: (id: number, body: string) =>
      githubCall(ROUTES.update, commentPath(id), () => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })),
    /** Delete; a comment already gone is fine. */
    remove: async (id: number): Promise<void> => {
      try {
        await githubCall(ROUTES.remove, commentPath(id), () => octokit.rest.issues.deleteComment({ owner, repo, comment_id: id }));
      } catch (error) {
        if (!(error instanceof GitHubHttpError && error.status === 404)) throw error;
      }
    }
  };
}


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The warning for a token whose comments are not written by the login taken for it. */
export function commentAuthorWarning(assumed: string, actual: string): string {
  return (
    `The token writes pull request comments as ${quote(actual)}, not ${quote(assumed)}: ` +
    `set comment-author: ${quote(actual)} so model-gate finds its comment without posting a new one each run.`
  );
}

/**
 * Post the report as one comment, or edit the one posted before: the oldest comment on the pull
 * request that carries the marker for `key` and was written by the token's own account. Comments by
 * any other account are never edited or deleted, even where the token could (any token with write
 * access may edit and delete others' comments).
 *
 * The token's account is `options.author`, else GET /user's login, else GITHUB_TOKEN's
 * `github-actions[bot]`. A comment this run posts shows the account for certain; when it differs (an
 * app token without comment-author), that account's comments are the ones kept from then on.
 *
 * Two runs at once may both find none and both post. So every run lists again after posting, keeps
 * the oldest comment (all runs agree on it, so none deletes the one another keeps), writes its body
 * there unless it posted that comment itself, and deletes the others. The run that wrote last wins,
 * as when runs follow each other. A comment deleted during the run (404 on edit) is posted anew, and a
 * post whose answer was lost is only repeated when listing shows it did not land.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  options: UpsertCommentOptions
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, key } = options;
  const note = options.truncationNote ?? ((cut: string) => truncationNote(options.runUrl, cut));
  const body = fitCommentBody(withMarker(options.body, key), key, options.maxLength, note);
  // The account whose comments are ours: never a guess wider than one login.
  const assumed = options.author ?? (await resolveAuthor(octokit)) ?? GITHUB_ACTIONS_BOT;
  let author = assumed.toLowerCase();
  const loginOf = (c: IssueComment): string => c.user?.login.toLowerCase() ?? '';
  const isOurs = (c: IssueComment): boolean => hasMarker(c.body, key) && loginOf(c) === author;
  const api = commentsApi(octokit, owner, repo, issueNumber);
  const retries = options.retries ?? CLIENT_DEFAULTS.retries;
  const secondMs = options.secondMs ?? CLIENT_DEFAULTS.secondMs;

  // Rounds of listing and writing: one per lost post, then post, confirm, and a spare for a comment deleted meanwhile.
  const rounds = retries + 4;
  let created: IssueComment | undefined;
  let lostPosts = 0;
  let notFound: { id: number; error: GitHubHttpError } | undefined;
  for (let round = 0; round < rounds; round++) {
    const [keeper, ...duplicates] = (await api.list()).filter(isOurs).sort((a, b) => a.id - b.id);
    // A 404 on editing a comment that is still listed is a refusal (a fork's read-only token), not a deletion.
    if (notFound && keeper?.id === notFound.id) throw notFound.error;
    if (!keeper) {
      // A listing that does not show our new comment yet lags behind: never post twice for that.
      if (created) return { id: created.id, url: created.html_url, action: 'created' };
      try {
        created = await api.create(body);
        // The login this token writes as, now known for sure: from here on only its comments count.
        const login = created.user?.login;
        if (login && login.toLowerCase() !== author) {
          author = login.toLowerCase();
          options.warn?.(commentAuthorWarning(assumed, login));
        }
      } catch (error) {
        if (!answerLost(error) || lostPosts >= retries) throw error;
        lostPosts += 1;
        await sleep(lostPosts ** 2 * secondMs);
      }
      continue;
    }
    const ours = keeper.id === created?.id || (lostPosts > 0 && keeper.body === body);
    if (!ours && keeper.body !== body) {
      try {
        await api.update(keeper.id, body);
      } catch (error) {
        if (!(error instanceof GitHubHttpError && error.status === 404)) throw error;
        notFound = { id: keeper.id, error }; // deleted meanwhile? List again.
        continue;
      }
    }
    for (const duplicate of duplicates) await api.remove(duplicate.id);
    return { id: keeper.id, url: keeper.html_url, action: ours ? 'created' : 'updated' };
  }
  throw new GitHubError(
    `The pull request comment on ${owner}/${repo}#${issueNumber} kept changing while this run wrote it (${rounds} rounds of ` +
      'listing and writing); another run or a person is editing it. The report is in the job summary.'
  );
}
