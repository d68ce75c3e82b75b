// A small GitHub REST API on 127.0.0.1 for tests. Every request is checked against GitHub's official
// OpenAPI description (route, path and query parameters, JSON body, required headers) and so is
// every response the server sends. Anything off is answered the way GitHub would (404, 422, 401...)
// AND recorded in `violations`, so a test can end with `expect(api.violations).toEqual([])`.
//
// The issue-comment routes the product uses are backed by an in-memory state:
//   GET   /user                                            (a user, or 403 like GITHUB_TOKEN)
//   GET   /repos/{owner}/{repo}/issues/{issue_number}/comments   (real pagination + Link header)
//   POST  /repos/{owner}/{repo}/issues/{issue_number}/comments
//   GET   /repos/{owner}/{repo}/issues/comments/{comment_id}
//   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
//   DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}
// PATCH and DELETE of another account's comment succeed, as on GitHub for any token with write access
// (GITHUB_TOKEN, an app's token, a collaborator's), and are also recorded in `violations`: model-gate
// must never touch a comment it did not write.
// and so are the issue and repository_dispatch routes mode: monitor uses:
//   GET   /repos/{owner}/{repo}/issues                      (state, labels, creator, sort, direction, pagination)
//   POST  /repos/{owner}/{repo}/issues
//   PATCH /repos/{owner}/{repo}/issues/{issue_number}        (title, body, state and state_reason, labels, assignees)
//   POST  /repos/{owner}/{repo}/dispatches                   (kept in state.dispatches)
// and so are the check-run routes (one commit's check runs, with the annotations each has gathered):
//   GET   /repos/{owner}/{repo}/commits/{ref}/check-runs            (check_name, filter, pagination)
//   POST  /repos/{owner}/{repo}/check-runs
//   GET   /repos/{owner}/{repo}/check-runs/{check_run_id}
//   PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}           (annotations are appended, as on GitHub; a completed
//                                                                    run keeps its status and conclusion, as on GitHub)
//   GET   /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations
// with GitHub's limits: output.summary and output.text at most 65,535 UTF-8 bytes (422 "summary exceeds a maximum
// bytesize of 65535"), titles 255 characters, annotation messages 64 KB.
// Like GitHub, the Link header points at /repositories/{id}/...; those paths are served as aliases
// of /repos/{owner}/{repo}/... (the description does not list them).
//
// Faults: a matching request can be answered with an error status (and headers such as Retry-After),
// delayed, stalled, or have its connection dropped before or after the server acts on it. The request
// itself is still checked against the description first; a request that is only delayed is then
// handled and answered (and the answer checked) as usual.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGitHubContract, type OpenApiContract, type Operation } from './openapi-contract.js';

export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';
export const INTEGRATION_MESSAGE = 'Resource not accessible by integration';
/** GitHub refuses longer comment bodies with 422 "body is too long (maximum is 65536 characters)". */
export const GITHUB_MAX_COMMENT_CHARS = 65536;

export interface ApiUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  author: ApiUser;
  createdAt: string;
  updatedAt: string;
}

export interface StoredAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number | null;
  end_column: number | null;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string | null;
  message: string;
  raw_details: string | null;
}

export interface StoredCheckRun {
  id: number;
  headSha: string;
  name: string;
  externalId: string | null;
  detailsUrl: string | null;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  /** Every annotation any write added, in order (GitHub appends, never replaces). */
  annotations: StoredAnnotation[];
  /** The app that made it: 'github-actions' for GITHUB_TOKEN (the job's own check run is one too). */
  app: string;
}

export interface Fault {
  /** HTTP method to fail (any when left out). */
  method?: string;
  /** Route template from the description, e.g. /repos/{owner}/{repo}/issues/{issue_number}/comments (any when left out). */
  route?: string;
  /** Answer with this status (GitHub's error body with `message`, plus `headers`) instead of handling the request. */
  status?: number;
  message?: string;
  /** Headers sent with the injected status, e.g. retry-after or x-ratelimit-remaining. */
  headers?: Record<string, string>;
  /**
   * Drop the connection: 'before' the request is handled (nothing changes); 'after' it, before any
   * answer (the change is made, the answer is lost); 'midway' through the answer's body.
   */
  reset?: 'before' | 'after' | 'midway';
  /** Never answer: hold the connection until the client gives up. */
  stall?: boolean;
  /** Wait this long first (alone: a slow but normal answer, e.g. to force an order between concurrent runs). */
  delayMs?: number;
  /** Change the state before the request is handled, e.g. delete a comment as a person would during a run. */
  before?: (state: GitHubApiState) => void;
  /** How many requests to fail (default: all). */
  times?: number;
}

/** GitHub's secondary rate limit answer (403 or 429), with the Retry-After it sends. */
export function secondaryRateLimit(retryAfterSeconds: number, status: 403 | 429 = 403): Pick<Fault, 'status' | 'message' | 'headers'> {
  return {
    status,
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
      'If you reach out to GitHub Support for help, please include the request ID 0000:0000:MODELGATE.',
    headers: { 'retry-after': String(retryAfterSeconds) }
  };
}

/** GitHub's primary rate limit answer: 403 with x-ratelimit-remaining 0 and the reset time (epoch seconds). */
export function primaryRateLimit(resetEpochSeconds: number): Pick<Fault, 'status' | 'message' | 'headers'> {
  return {
    status: 403,
    message: 'API rate limit exceeded for installation ID 4242.',
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(resetEpochSeconds) }
  };
}

export interface PreloadComments {
  count: number;
  issueNumber?: number;
  /** Login of the author (default: a rotating cast of other users). */
  author?: string;
  body?: (index: number) => string;
}

export interface GitHubApiOptions {
  owner?: string;
  repo?: string;
  repositoryId?: number;
  /**
   * Issue / pull request numbers that exist. The defaults (octo-org/model-repo, repository id
   * 812345678, pull request 42) are those of test/support/fixtures/pull_request.opened.json.
   */
  issues?: number[];
  /**
   * What GET /user answers: a login (a personal access token's user), or null for 403 "Resource
   * not accessible by integration", which is what GITHUB_TOKEN and app installation tokens get.
   * Default null.
   */
  tokenUser?: string | null;
  /** The account comments created with the token are attributed to (default tokenUser, else github-actions[bot]). */
  writer?: string;
  /**
   * A GitHub App installation token of the app with this slug: GET /user answers 403 and comments are
   * written by `<slug>[bot]` (type Bot). Overrides tokenUser and writer.
   */
  appToken?: string;
  /** 'forbidden': POST/PATCH/DELETE answer 403 "Resource not accessible by integration" (fork pull request token). */
  writes?: 'allow' | 'forbidden';
  /**
   * Writing check runs: 'forbidden' answers 403 "Resource not accessible by integration" (a token without
   * `checks: write`), 'not-found' answers 404 (as GitHub does for some narrowed tokens). Default: as `writes`.
   */
  checks?: 'allow' | 'forbidden' | 'not-found';
  /** Comments by other accounts put on the issue before the test starts. */
  preload?: number | PreloadComments;
  faults?: Fault[];
  /** When set, any other token is refused with 401 Bad credentials (and a violation). */
  token?: string;
  /** Where html_url fields point (default https://github.com). */
  htmlUrl?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  pathname: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body?: unknown;
  /** METHOD + template of the matched operation. */
  route?: string;
  operationId?: string;
  /** 0 when no answer was sent (see `fault`). */
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: unknown;
  /** What a fault did to this request: 'status 503', 'reset before', 'reset after', 'stall', 'delay 50 ms'. */
  fault?: string;
  /** When the request arrived and when it was answered (Date.now()). */
  receivedAt: number;
  answeredAt?: number;
}

const KNOWN_USERS: Record<string, ApiUser> = {
  [GITHUB_ACTIONS_LOGIN]: { login: GITHUB_ACTIONS_LOGIN, id: 41898282, type: 'Bot' },
  'dependabot[bot]': { login: 'dependabot[bot]', id: 49699333, type: 'Bot' },
  octocat: { login: 'octocat', id: 583231, type: 'User' }
};

const OTHER_AUTHORS = ['octocat', 'hubot', 'dependabot[bot]', 'mona'];

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- issues and repository_dispatch (mode: monitor) -----------------------------------------------

/** An issue of the repository (not a pull request), as GET/POST/PATCH /repos/{owner}/{repo}/issues keep it. */
export interface StoredIssue {
  number: number;
  id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  author: ApiUser;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** One POST /repos/{owner}/{repo}/dispatches. */
export interface StoredDispatch {
  eventType: string;
  clientPayload: Record<string, unknown> | undefined;
}

// ---- artifacts and pull requests (mode: publish) ------------------------------------------------
//   GET   /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts          (name filter, pagination)
//   GET   /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip      (302 to /_artifact-blobs/{id}.zip on this server)
//   GET   /_artifact-blobs/{id}.zip                                      (not a REST route: the signed blob link; no token wanted)
//   GET   /repos/{owner}/{repo}/pulls/{pull_number}                      (head sha, repository and branch, base repository)
//   GET   /repos/{owner}/{repo}/pulls/{pull_number}/commits              (the pull request's commits, oldest first; pagination)

/** An artifact a workflow run uploaded: its zip's bytes as actions/upload-artifact would store them. */
export interface StoredArtifact {
  id: number;
  runId: number;
  name: string;
  zip: Buffer;
  expired?: boolean;
}

/** A pull request: its head commit, the repository its head lives in (a fork's) and the base repository. */
export interface StoredPull {
  number: number;
  headSha: string;
  /** owner/repo of the head (default: the base, i.e. not a fork). */
  headRepo?: string;
  /** The head branch (default: main). */
  headRef?: string;
  /** owner/repo of the base (default: the server's repository). */
  baseRepo?: string;
  /** The pull request's commits, oldest first (default: the head commit alone). */
  commits?: string[];
}

export class GitHubApiState {
  owner: string;
  repo: string;
  repositoryId: number;
  issues: Set<number>;
  comments: StoredComment[] = [];
  checkRuns: StoredCheckRun[] = [];
  /** mode: publish: uploaded artifacts and pull requests (see StoredArtifact, StoredPull). */
  artifacts: StoredArtifact[] = [];
  pulls = new Map<number, StoredPull>();
  /** Issues (mode: monitor); their numbers are also in `issues`, so their comments work. */
  repoIssues: StoredIssue[] = [];
  dispatches: StoredDispatch[] = [];
  /** The app the token belongs to, which the check runs it makes are attributed to. */
  checkApp = 'github-actions';
  checks: 'allow' | 'forbidden' | 'not-found';
  tokenUser: string | null;
  writer: string;
  writes: 'allow' | 'forbidden';
  faults: Fault[];
  token: string | undefined;
  htmlUrl: string;
  private nextCommentId = 1_000_000_001;
  private nextCheckRunId = 20_000_000_001;
  private nextUserId = 9_000_001;
  private readonly users = new Map<string, ApiUser>();
  private clock = Date.parse('2024-05-01T12:00:00Z');

  constructor(options: GitHubApiOptions) {
    this.owner = options.owner ?? 'octo-org';
    this.repo = options.repo ?? 'model-repo';
    this.repositoryId = options.repositoryId ?? 812345678;
    this.issues = new Set(options.issues ?? [42]);
    this.tokenUser = options.appToken !== undefined ? null : (options.tokenUser ?? null);
    this.writer = options.appToken !== undefined ? `${options.appToken}[bot]` : (options.writer ?? this.tokenUser ?? GITHUB_ACTIONS_LOGIN);
    this.writes = options.writes ?? 'allow';
    this.checks = options.checks ?? this.writes;
    this.faults = [...(options.faults ?? [])];
    this.token = options.token;
    this.htmlUrl = (options.htmlUrl ?? 'https://github.com').replace(/\/+$/, '');
    for (const user of Object.values(KNOWN_USERS)) this.users.set(user.login.toLowerCase(), user);
    const preload = typeof options.preload === 'number' ? { count: options.preload } : options.preload;
    if (preload) {
      for (let i = 0; i < preload.count; i++) {
        this.addComment({
          issueNumber: preload.issueNumber ?? [...this.issues][0] ?? 1,
          author: preload.author ?? OTHER_AUTHORS[i % OTHER_AUTHORS.length]!,
          body: preload.body ? preload.body(i) : `Comment ${i + 1}: looks good to me.`
        });
      }
    }
  }

  /** A user object for the login (ids are stable per state). */
  user(login: string): ApiUser {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { login, id: this.nextUserId++, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
      this.users.set(key, user);
    }
    return user;
  }

  /** Timestamps advance one second per write so ordering by time and by id agree. */
  now(): string {
    this.clock += 1000;
    return isoSeconds(new Date(this.clock));
  }

  addComment(input: { issueNumber?: number; body: string; author?: string }): StoredComment {
    const issueNumber = input.issueNumber ?? [...this.issues][0] ?? 1;
    this.issues.add(issueNumber);
    const at = this.now();
    const comment: StoredComment = {
      id: this.nextCommentId++,
      issueNumber,
      body: input.body,
      author: this.user(input.author ?? this.writer),
      createdAt: at,
      updatedAt: at
    };
    this.comments.push(comment);
    return comment;
  }

  /** A check run as a write would make it (e.g. the job's own one, or one an earlier run left). */
  addCheckRun(input: Partial<StoredCheckRun> & { headSha: string; name: string }): StoredCheckRun {
    const at = this.now();
    const run: StoredCheckRun = {
      id: this.nextCheckRunId++,
      externalId: null,
      detailsUrl: null,
      status: 'queued',
      conclusion: null,
      startedAt: at,
      completedAt: null,
      title: null,
      summary: null,
      text: null,
      annotations: [],
      app: 'github-actions',
      ...input
    };
    this.checkRuns.push(run);
    return run;
  }

  commentsOn(issueNumber: number): StoredComment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber).sort((a, b) => a.id - b.id);
  }
}

export interface GitHubApi {
  /** http://127.0.0.1:PORT, to be used as octokit's baseUrl. */
  url: string;
  state: GitHubApiState;
  requests: RecordedRequest[];
  violations: string[];
  /** Responses whose status the description does not list for the operation (not violations: GitHub does send them). */
  undocumented: string[];
  contract: OpenApiContract;
  close(): Promise<void>;
}

class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {}
  ) {}
}

function errorBody(status: number, message: string, documentationUrl = 'https://docs.github.com/rest'): Record<string, unknown> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

const ACCEPTABLE_MEDIA = /^(\*\/\*|application\/\*|application\/json|application\/vnd\.github(\.v3)?(\.(raw|text|html|full))?(\+json)?|application\/vnd\.github\.[a-z0-9-]+-preview(\.(raw|text|html|full))?(\+json)?)$/i;

function mediaFormat(accept: string | undefined): 'raw' | 'text' | 'html' | 'full' {
  const m = /application\/vnd\.github(?:\.v3)?\.(raw|text|html|full)/i.exec(accept ?? '');
  return (m?.[1]?.toLowerCase() as 'raw' | 'text' | 'html' | 'full' | undefined) ?? 'raw';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApi> {
  const contract = loadGitHubContract();
  const state = new GitHubApiState(options);
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const undocumented: string[] = [];
  let baseUrl = '';
  let requestCounter = 0;

  const userUrl = (login: string): string => `${baseUrl}/users/${encodeURIComponent(login)}`;

  function simpleUser(user: ApiUser): Record<string, unknown> {
    const url = userUrl(user.login);
    const app = user.type === 'Bot' ? user.login.replace(/\[bot\]$/, '') : undefined;
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`04:${user.type}${user.id}`).toString('base64'),
      avatar_url: app === 'github-actions' ? 'https://avatars.githubusercontent.com/in/15368?v=4' : `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: '',
      url,
      html_url: app ? `${state.htmlUrl}/apps/${app}` : `${state.htmlUrl}/${user.login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false
    };
  }

  function privateUser(user: ApiUser): Record<string, unknown> {
    return {
      ...simpleUser(user),
      user_view_type: 'private',
      name: user.login === 'octocat' ? 'The Octocat' : null,
      company: null,
      blog: '',
      location: null,
      email: null,
      notification_email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 8,
      public_gists: 0,
      followers: 3,
      following: 1,
      created_at: '2015-03-04T10:11:12Z',
      updated_at: '2024-04-01T09:00:00Z',
      private_gists: 0,
      total_private_repos: 2,
      owned_private_repos: 2,
      disk_usage: 1024,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 }
    };
  }

  function repoApiPath(): string {
    return `${baseUrl}/repos/${state.owner}/${state.repo}`;
  }

  function commentJson(comment: StoredComment, format: ReturnType<typeof mediaFormat>): Record<string, unknown> {
    const url = `${repoApiPath()}/issues/comments/${comment.id}`;
    const json: Record<string, unknown> = {
      url,
      html_url: `${state.htmlUrl}/${state.owner}/${state.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${repoApiPath()}/issues/${comment.issueNumber}`,
      id: comment.id,
      node_id: `IC_kwDO${Buffer.from(`${state.repositoryId}:${comment.id}`).toString('base64url')}`,
      user: simpleUser(comment.author),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: comment.author.login.toLowerCase() === state.owner.toLowerCase() ? 'OWNER' : comment.author.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
      performed_via_github_app: null,
      reactions: {
        url: `${url}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0
      }
    };
    if (format === 'raw' || format === 'full') json.body = comment.body;
    if (format === 'text' || format === 'full') json.body_text = comment.body;
    if (format === 'html' || format === 'full') json.body_html = `<p>${escapeHtml(comment.body)}</p>`;
    return json;
  }

  // ---- handlers -----------------------------------------------------------------------------

  interface Call {
    operation: Operation;
    params: Record<string, string>;
    query: URLSearchParams;
    body: unknown;
    accept: string | undefined;
    /** The path as requested, with /repositories/{id} aliases already mapped back. */
    pathname: string;
  }

  const forbidden = (op: Operation): Reply => new Reply(403, errorBody(403, INTEGRATION_MESSAGE, op.documentationUrl));
  const notFound = (op: Operation): Reply => new Reply(404, errorBody(404, 'Not Found', op.documentationUrl));

  function repoMatches(params: Record<string, string>): boolean {
    return params.owner?.toLowerCase() === state.owner.toLowerCase() && params.repo?.toLowerCase() === state.repo.toLowerCase();
  }

  function tooLong(op: Operation, body: string): Reply | undefined {
    const chars = [...body].length;
    if (chars <= GITHUB_MAX_COMMENT_CHARS) return undefined;
    violations.push(`${op.method} ${op.template}: comment body has ${chars} characters; GitHub accepts at most ${GITHUB_MAX_COMMENT_CHARS}`);
    return new Reply(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${GITHUB_MAX_COMMENT_CHARS} characters)` }],
      documentation_url: op.documentationUrl,
      status: '422'
    });
  }

  function findComment(params: Record<string, string>): StoredComment | undefined {
    if (!repoMatches(params)) return undefined;
    const id = Number(params.comment_id);
    return state.comments.find((c) => c.id === id);
  }

  // ---- check runs -----------------------------------------------------------------------------

  /** GitHub limits that the description does not state as schema keywords. */
  const CHECK_TITLE_MAX = 255;
  const ANNOTATION_TEXT_MAX_BYTES = 64 * 1024;
  /**
   * output.summary and output.text: the reference says "65535 characters", but GitHub counts UTF-8 bytes and
   * answers 422 "summary exceeds a maximum bytesize of 65535" (github/docs#35252, dorny/test-reporter#57).
   */
  const CHECK_OUTPUT_MAX_BYTES = 65535;

  function appJson(slug: string): Record<string, unknown> {
    const owner = simpleUser({ login: 'github', id: 9919, type: 'Organization' });
    return {
      id: slug === 'github-actions' ? 15368 : 77001,
      slug,
      node_id: Buffer.from(`03:Integration${slug}`).toString('base64'),
      client_id: 'Iv1.0000modelgate',
      owner,
      name: slug === 'github-actions' ? 'GitHub Actions' : slug,
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${state.htmlUrl}/apps/${slug}`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { checks: 'write', contents: 'write', issues: 'write', metadata: 'read', pull_requests: 'write' },
      events: ['check_run', 'check_suite', 'pull_request', 'push']
    };
  }

  function checkRunJson(run: StoredCheckRun): Record<string, unknown> {
    const url = `${repoApiPath()}/check-runs/${run.id}`;
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: `CR_kwDO${Buffer.from(`${state.repositoryId}:${run.id}`).toString('base64url')}`,
      external_id: run.externalId,
      url,
      html_url: `${state.htmlUrl}/${state.owner}/${state.repo}/runs/${run.id}`,
      details_url: run.detailsUrl,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        title: run.title,
        summary: run.summary,
        text: run.text,
        annotations_count: run.annotations.length,
        annotations_url: `${url}/annotations`
      },
      name: run.name,
      check_suite: { id: 30_000_000_000 + (run.id % 1000) },
      app: appJson(run.app),
      pull_requests: []
    };
  }

  function findCheckRun(params: Record<string, string>): StoredCheckRun | undefined {
    if (!repoMatches(params)) return undefined;
    const id = Number(params.check_run_id);
    return state.checkRuns.find((r) => r.id === id);
  }

  function checksRefusal(op: Operation): Reply | undefined {
    if (state.checks === 'forbidden') return forbidden(op);
    if (state.checks === 'not-found') return notFound(op);
    return undefined;
  }

  /**
   * What the description cannot say: summary and text ≤ 65,535 bytes, titles ≤ 255 characters, annotation
   * texts ≤ 64 KB, conclusion with completed.
   */
  function checkRunLimits(op: Operation, body: CheckRunBody, creating: boolean): Reply | undefined {
    const oversize = (['summary', 'text'] as const).filter((field) => {
      const value = body.output?.[field];
      return value !== undefined && Buffer.byteLength(value, 'utf8') > CHECK_OUTPUT_MAX_BYTES;
    });
    if (oversize.length > 0) {
      for (const field of oversize) {
        violations.push(`${op.method} ${op.template}: output.${field} has ${Buffer.byteLength(body.output![field]!, 'utf8')} bytes; GitHub accepts at most ${CHECK_OUTPUT_MAX_BYTES}`);
      }
      return new Reply(422, {
        message: 'Validation Failed',
        errors: oversize.map((field) => ({ resource: 'CheckRun', code: 'custom', field, message: `${field} exceeds a maximum bytesize of ${CHECK_OUTPUT_MAX_BYTES}` })),
        documentation_url: op.documentationUrl,
        status: '422'
      });
    }
    const problems: string[] = [];
    if (body.output?.title !== undefined && [...body.output.title].length > CHECK_TITLE_MAX) problems.push(`output.title is longer than ${CHECK_TITLE_MAX} characters`);
    for (const [i, a] of (body.output?.annotations ?? []).entries()) {
      if (Buffer.byteLength(a.message, 'utf8') > ANNOTATION_TEXT_MAX_BYTES) problems.push(`output.annotations[${i}].message is over 64 KB`);
      if (a.title !== undefined && [...a.title].length > CHECK_TITLE_MAX) problems.push(`output.annotations[${i}].title is longer than ${CHECK_TITLE_MAX} characters`);
      if (a.start_line < 1 || a.end_line < a.start_line) problems.push(`output.annotations[${i}] has lines ${a.start_line}-${a.end_line}`);
      if (/^\/|^[A-Za-z]:|(^|\/)\.\.(\/|$)|\\/.test(a.path)) problems.push(`output.annotations[${i}].path ${JSON.stringify(a.path)} is not relative to the repository root`);
    }
    if (creating && body.status === 'completed' && body.conclusion === undefined) problems.push('status completed without a conclusion');
    if (problems.length === 0) return undefined;
    for (const problem of problems) violations.push(`${op.method} ${op.template}: ${problem}`);
    return new Reply(422, { message: 'Invalid request.', errors: problems, documentation_url: op.documentationUrl, status: '422' });
  }

  interface CheckRunBody {
    name?: string;
    head_sha?: string;
    external_id?: string;
    details_url?: string;
    status?: string;
    conclusion?: string;
    started_at?: string;
    completed_at?: string;
    output?: { title?: string; summary?: string; text?: string; annotations?: (Omit<StoredAnnotation, 'title' | 'start_column' | 'end_column' | 'raw_details'> & { title?: string; start_column?: number; end_column?: number; raw_details?: string })[] };
  }

  function applyCheckRun(run: StoredCheckRun, body: CheckRunBody): void {
    if (body.name !== undefined) run.name = body.name;
    if (body.external_id !== undefined) run.externalId = body.external_id;
    if (body.details_url !== undefined) run.detailsUrl = body.details_url;
    if (body.started_at !== undefined) run.startedAt = body.started_at;
    if (run.status === 'completed') {
      // A completed check run stays completed with its conclusion: GitHub answers 200 and changes neither
      // (GitHub staff: "Once a check run transitions from the in_progress state to completed state, it's not
      // possible to modify its status nor its conclusion further", github.community/t/stale-check-runs/120566;
      // tektoncd/pipelines-as-code#998: the call succeeds, the run stays completed). The output and the
      // annotations are still written. Asking is a client bug, so it is recorded as a violation.
      const reopen = body.status !== undefined && body.status !== 'completed' && body.conclusion === undefined;
      const recast = body.conclusion !== undefined && body.conclusion !== run.conclusion;
      if (reopen || recast) {
        violations.push(
          `PATCH check run ${run.id}: ${reopen ? `status ${body.status}` : `conclusion ${body.conclusion}`} on a completed check run (${run.conclusion}); GitHub keeps it as it is`
        );
      }
    } else if (body.conclusion !== undefined) {
      // "Providing conclusion will automatically set the status parameter to completed."
      run.status = 'completed';
      run.conclusion = body.conclusion;
      run.completedAt = body.completed_at ?? state.now();
    } else if (body.status !== undefined) {
      run.status = body.status;
      if (body.status !== 'completed') {
        run.conclusion = null;
        run.completedAt = null;
      }
    }
    if (body.output) {
      if (body.output.title !== undefined) run.title = body.output.title;
      if (body.output.summary !== undefined) run.summary = body.output.summary;
      if (body.output.text !== undefined) run.text = body.output.text;
      for (const a of body.output.annotations ?? []) {
        run.annotations.push({
          path: a.path,
          start_line: a.start_line,
          end_line: a.end_line,
          start_column: a.start_column ?? null,
          end_column: a.end_column ?? null,
          annotation_level: a.annotation_level,
          title: a.title ?? null,
          message: a.message,
          raw_details: a.raw_details ?? null
        });
      }
    }
  }

  /** GitHub's pagination over any list: the page, and a Link header with /repositories/{id}/… URLs. */
  function paginate<T>(items: T[], query: URLSearchParams, pathAfterRepo: string): { slice: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (lastPage > 1) {
      const link = (n: number, rel: string): string => {
        const q = new URLSearchParams(query);
        q.set('page', String(n));
        return `<${baseUrl}/repositories/${state.repositoryId}${pathAfterRepo}?${q.toString()}>; rel="${rel}"`;
      };
      const parts: string[] = [];
      if (page > 1) parts.push(link(Math.min(page - 1, lastPage), 'prev'));
      if (page < lastPage) parts.push(link(page + 1, 'next'), link(lastPage, 'last'));
      if (page > 1) parts.push(link(1, 'first'));
      headers.link = parts.join(', ');
    }
    return { slice: items.slice((page - 1) * perPage, page * perPage), headers };
  }

  const checkRunHandlers: Record<string, (call: Call) => Reply> = {
    'checks/list-for-ref': ({ operation, params, query }) => {
      if (!repoMatches(params)) return notFound(operation);
      let runs = state.checkRuns.filter((r) => r.headSha === params.ref);
      const name = query.get('check_name');
      if (name !== null) runs = runs.filter((r) => r.name === name);
      const status = query.get('status');
      if (status !== null) runs = runs.filter((r) => r.status === status);
      if ((query.get('filter') ?? 'latest') === 'latest') {
        // The newest run of each name (GitHub: "the most recent check runs").
        const newest = new Map<string, StoredCheckRun>();
        for (const r of runs) if ((newest.get(r.name)?.id ?? -1) < r.id) newest.set(r.name, r);
        runs = [...newest.values()];
      }
      runs = [...runs].sort((a, b) => b.id - a.id);
      const { slice, headers } = paginate(runs, query, `/commits/${encodeURIComponent(params.ref!)}/check-runs`);
      return new Reply(200, { total_count: runs.length, check_runs: slice.map(checkRunJson) }, headers);
    },

    'checks/create': ({ operation, params, body }) => {
      if (!repoMatches(params)) return notFound(operation);
      const refusal = checksRefusal(operation);
      if (refusal) return refusal;
      const b = body as CheckRunBody & { name: string; head_sha: string };
      const limits = checkRunLimits(operation, b, true);
      if (limits) return limits;
      const run = state.addCheckRun({ headSha: b.head_sha, name: b.name, status: 'queued', app: state.checkApp });
      applyCheckRun(run, b);
      const json = checkRunJson(run);
      return new Reply(201, json);
    },

    'checks/get': ({ operation, params }) => {
      const run = findCheckRun(params);
      return run ? new Reply(200, checkRunJson(run)) : notFound(operation);
    },

    'checks/update': ({ operation, params, body }) => {
      const run = findCheckRun(params);
      if (!run) return notFound(operation);
      const refusal = checksRefusal(operation);
      if (refusal) return refusal;
      if (run.app !== state.checkApp) {
        // An app may only update its own check runs.
        violations.push(`PATCH check run ${run.id}: made by the ${run.app} app, but the token is ${state.checkApp}'s`);
        return forbidden(operation);
      }
      const b = body as CheckRunBody;
      const limits = checkRunLimits(operation, b, false);
      if (limits) return limits;
      applyCheckRun(run, b);
      return new Reply(200, checkRunJson(run));
    },

    'checks/list-annotations': ({ operation, params, query }) => {
      const run = findCheckRun(params);
      if (!run) return notFound(operation);
      const { slice, headers } = paginate(run.annotations, query, `/check-runs/${run.id}/annotations`);
      const blob = (a: StoredAnnotation): string => `${state.htmlUrl}/${state.owner}/${state.repo}/blob/${run.headSha}/${a.path.split('/').map(encodeURIComponent).join('/')}`;
      return new Reply(200, slice.map((a) => ({ ...a, blob_href: blob(a) })), headers);
    }
  };

  // ---- issues and repository_dispatch (mode: monitor) ---------------------------------------------

  function labelJson(name: string): Record<string, unknown> {
    const id = 7_000_000 + [...name].reduce((h, c) => (h * 31 + c.codePointAt(0)!) % 1_000_000, 7);
    return {
      id,
      node_id: Buffer.from(`LA:${id}`).toString('base64'),
      url: `${repoApiPath()}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: 'ededed',
      default: false
    };
  }

  function issueJson(issue: StoredIssue): Record<string, unknown> {
    const url = `${repoApiPath()}/issues/${issue.number}`;
    const assignees = issue.assignees.map((login) => simpleUser(state.user(login)));
    return {
      id: issue.id,
      node_id: `I_kwDO${Buffer.from(`${state.repositoryId}:${issue.id}`).toString('base64url')}`,
      url,
      repository_url: repoApiPath(),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${state.htmlUrl}/${state.owner}/${state.repo}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.stateReason,
      title: issue.title,
      body: issue.body,
      user: simpleUser(issue.author),
      labels: issue.labels.map(labelJson),
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: state.commentsOn(issue.number).length,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: issue.author.type === 'Bot' ? 'NONE' : 'OWNER'
    };
  }

  function findIssue(params: Record<string, string>): StoredIssue | undefined {
    if (!repoMatches(params)) return undefined;
    const n = Number(params.issue_number);
    return state.repoIssues.find((i) => i.number === n);
  }

  /** GitHub's limit on issue bodies and titles. */
  function issueTooLong(op: Operation, body: { title?: unknown; body?: unknown }): Reply | undefined {
    const problems: string[] = [];
    if (typeof body.body === 'string' && [...body.body].length > GITHUB_MAX_COMMENT_CHARS) problems.push(`body is too long (maximum is ${GITHUB_MAX_COMMENT_CHARS} characters)`);
    if (typeof body.title === 'string' && [...body.title].length > 256) problems.push('title is too long (maximum is 256 characters)');
    if (problems.length === 0) return undefined;
    for (const p of problems) violations.push(`${op.method} ${op.template}: ${p}`);
    return new Reply(422, { message: 'Validation Failed', errors: problems.map((message) => ({ resource: 'Issue', code: 'custom', message })), documentation_url: op.documentationUrl, status: '422' });
  }

  const issueHandlers: Record<string, (call: Call) => Reply> = {
    'issues/list-for-repo': ({ operation, params, query }) => {
      if (!repoMatches(params)) return notFound(operation);
      const want = query.get('state') ?? 'open';
      let items = state.repoIssues.filter((i) => want === 'all' || i.state === want);
      const labels = (query.get('labels') ?? '').split(',').map((l) => l.trim()).filter(Boolean);
      if (labels.length) items = items.filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l.toLowerCase())));
      const creator = query.get('creator');
      if (creator !== null) items = items.filter((i) => i.author.login.toLowerCase() === creator.toLowerCase());
      const key = query.get('sort') === 'updated' ? (i: StoredIssue) => Date.parse(i.updatedAt) * 1e6 + i.number : (i: StoredIssue) => i.number;
      const asc = query.get('direction') === 'asc';
      items = [...items].sort((a, b) => (asc ? key(a) - key(b) : key(b) - key(a)));
      const { slice, headers } = paginate(items, query, '/issues');
      return new Reply(200, slice.map(issueJson), headers);
    },

    'issues/create': ({ operation, params, body }) => {
      if (!repoMatches(params)) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      const b = body as { title: string | number; body?: string | null; labels?: (string | { name?: string })[]; assignees?: string[] };
      const refusal = issueTooLong(operation, b);
      if (refusal) return refusal;
      const at = state.now();
      const number = Math.max(100, ...state.issues) + 1;
      const issue: StoredIssue = {
        number,
        id: 3_000_000_000 + number,
        title: String(b.title),
        body: b.body ?? '',
        state: 'open',
        stateReason: null,
        labels: (b.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        assignees: [...(b.assignees ?? [])],
        author: state.user(state.writer),
        createdAt: at,
        updatedAt: at,
        closedAt: null
      };
      state.issues.add(number);
      state.repoIssues.push(issue);
      const json = issueJson(issue);
      return new Reply(201, json, { location: String(json.url) });
    },

    'issues/update': ({ operation, params, body }) => {
      const issue = findIssue(params);
      if (!issue) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      const b = (body ?? {}) as { title?: string | number | null; body?: string | null; state?: 'open' | 'closed'; state_reason?: 'completed' | 'not_planned' | 'reopened' | null; labels?: (string | { name?: string })[]; assignees?: string[] };
      const refusal = issueTooLong(operation, b);
      if (refusal) return refusal;
      const at = state.now();
      if (b.title !== undefined && b.title !== null) issue.title = String(b.title);
      if (b.body !== undefined) issue.body = b.body ?? '';
      if (b.labels !== undefined) issue.labels = b.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
      if (b.assignees !== undefined) issue.assignees = [...b.assignees];
      if (b.state !== undefined && b.state !== issue.state) {
        issue.state = b.state;
        issue.closedAt = b.state === 'closed' ? at : null;
        issue.stateReason = b.state === 'closed' ? (b.state_reason === 'not_planned' ? 'not_planned' : 'completed') : 'reopened';
      }
      issue.updatedAt = at;
      return new Reply(200, issueJson(issue));
    },

    'repos/create-dispatch-event': ({ operation, params, body }) => {
      if (!repoMatches(params)) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      const b = body as { event_type: string; client_payload?: Record<string, unknown> };
      if (Buffer.byteLength(JSON.stringify(b.client_payload ?? {}), 'utf8') >= 64 * 1024) {
        violations.push(`${operation.method} ${operation.template}: client_payload is 64 KB or more`);
        return new Reply(422, { message: 'Invalid request.', documentation_url: operation.documentationUrl, status: '422' });
      }
      state.dispatches.push({ eventType: b.event_type, clientPayload: b.client_payload });
      return new Reply(204);
    }
  };

  // ---- artifacts and pull requests (mode: publish) ----------------------------------------------

  function repoJson(fullName: string, id: number): Record<string, unknown> {
    const [owner, name] = fullName.split('/') as [string, string];
    const api = `${baseUrl}/repos/${fullName}`;
    const html = `${state.htmlUrl}/${fullName}`;
    const urls = Object.fromEntries(
      ['archive', 'assignees', 'blobs', 'branches', 'collaborators', 'comments', 'commits', 'compare', 'contents', 'contributors', 'deployments', 'downloads', 'events', 'forks', 'git_commits', 'git_refs', 'git_tags', 'hooks', 'issue_comment', 'issue_events', 'issues', 'keys', 'labels', 'languages', 'merges', 'milestones', 'notifications', 'pulls', 'releases', 'stargazers', 'statuses', 'subscribers', 'subscription', 'tags', 'teams', 'trees'].map((k) => [`${k}_url`, `${api}/${k.replace(/_/g, '/')}`])
    );
    const stamp = '2024-01-01T00:00:00Z';
    return {
      ...urls,
      id,
      node_id: Buffer.from(`010:Repository${id}`).toString('base64'),
      name,
      full_name: fullName,
      owner: simpleUser(state.user(owner)),
      private: false,
      html_url: html,
      description: null,
      fork: fullName.toLowerCase() !== `${state.owner}/${state.repo}`.toLowerCase(),
      url: api,
      clone_url: `${html}.git`,
      git_url: `git://github.com/${fullName}.git`,
      ssh_url: `git@github.com:${fullName}.git`,
      svn_url: html,
      mirror_url: null,
      homepage: null,
      language: null,
      default_branch: 'main',
      forks: 0,
      forks_count: 0,
      open_issues: 0,
      open_issues_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1,
      has_downloads: true,
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: stamp,
      created_at: stamp,
      updated_at: stamp
    };
  }

  function pullJson(pull: StoredPull): Record<string, unknown> {
    const base = pull.baseRepo ?? `${state.owner}/${state.repo}`;
    const head = pull.headRepo ?? base;
    const api = `${baseUrl}/repos/${base}/pulls/${pull.number}`;
    const html = `${state.htmlUrl}/${base}/pull/${pull.number}`;
    const issue = `${baseUrl}/repos/${base}/issues/${pull.number}`;
    const author = simpleUser(state.user(head.split('/')[0]!));
    const side = (fullName: string, sha: string, id: number, ref = 'main') => ({ label: `${fullName.split('/')[0]}:${ref}`, ref, sha, user: simpleUser(state.user(fullName.split('/')[0]!)), repo: repoJson(fullName, id) });
    const stamp = '2024-05-01T10:00:00Z';
    return {
      url: api,
      id: 1_800_000_000 + pull.number,
      node_id: Buffer.from(`PR_${pull.number}`).toString('base64'),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${baseUrl}/repos/${base}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${baseUrl}/repos/${base}/statuses/${pull.headSha}`,
      number: pull.number,
      state: 'open',
      locked: false,
      title: 'A better model',
      user: author,
      body: null,
      labels: [],
      milestone: null,
      created_at: stamp,
      updated_at: stamp,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      head: side(head, pull.headSha, head === base ? state.repositoryId : state.repositoryId + 1, pull.headRef),
      base: side(base, 'b'.repeat(40), state.repositoryId),
      _links: Object.fromEntries(['comments', 'commits', 'statuses', 'html', 'issue', 'review_comments', 'review_comment', 'self'].map((k) => [k, { href: k === 'html' ? html : k === 'self' ? api : `${api}/${k}` }])),
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      merged: false,
      mergeable: null,
      mergeable_state: 'unknown',
      merged_by: null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: (pull.commits ?? [pull.headSha]).length,
      additions: 1,
      deletions: 0,
      changed_files: 1
    };
  }

  function artifactJson(a: StoredArtifact): Record<string, unknown> {
    const url = `${repoApiPath()}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: Buffer.from(`MDg6QXJ0aWZhY3Q${a.id}`).toString('base64'),
      name: a.name,
      size_in_bytes: a.zip.length,
      url,
      archive_download_url: `${url}/zip`,
      expired: a.expired ?? false,
      created_at: '2024-05-01T11:00:00Z',
      expires_at: '2024-07-30T11:00:00Z',
      updated_at: '2024-05-01T11:00:00Z',
      digest: null,
      workflow_run: { id: a.runId, repository_id: state.repositoryId, head_repository_id: state.repositoryId, head_branch: 'main', head_sha: 'a'.repeat(40) }
    };
  }

  const artifactHandlers: Record<string, (call: Call) => Reply> = {
    'actions/list-workflow-run-artifacts': ({ operation, params, query }) => {
      if (!repoMatches(params)) return notFound(operation);
      const name = query.get('name');
      const all = state.artifacts.filter((a) => a.runId === Number(params.run_id) && (name === null || a.name === name));
      const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
      const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
      return new Reply(200, { total_count: all.length, artifacts: all.slice((page - 1) * perPage, page * perPage).map(artifactJson) });
    },
    'actions/download-artifact': ({ operation, params }) => {
      const a = state.artifacts.find((x) => x.id === Number(params.artifact_id));
      if (!repoMatches(params) || !a || params.archive_format !== 'zip') return notFound(operation);
      if (a.expired) return new Reply(410, errorBody(410, 'Artifact has expired', operation.documentationUrl));
      return new Reply(302, undefined, { location: `${baseUrl}/_artifact-blobs/${a.id}.zip?sig=modelgate` });
    },
    'pulls/get': ({ operation, params }) => {
      const pull = state.pulls.get(Number(params.pull_number));
      return repoMatches(params) && pull ? new Reply(200, pullJson(pull)) : notFound(operation);
    },
    'pulls/list-commits': ({ operation, params, query }) => {
      const pull = state.pulls.get(Number(params.pull_number));
      if (!repoMatches(params) || !pull) return notFound(operation);
      const shas = pull.commits ?? [pull.headSha];
      const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
      const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
      return new Reply(200, shas.slice((page - 1) * perPage, page * perPage).map((sha, i) => commitJson(pull, sha, i === 0 ? undefined : shas[i - 1])));
    }
  };

  /** One commit of a pull request, as GET /pulls/{n}/commits lists it. */
  function commitJson(pull: StoredPull, sha: string, parent: string | undefined): Record<string, unknown> {
    const head = pull.headRepo ?? pull.baseRepo ?? `${state.owner}/${state.repo}`;
    const api = `${baseUrl}/repos/${head}/commits/${sha}`;
    const person = { name: 'A Contributor', email: 'contributor@example.com', date: '2024-05-01T10:00:00Z' };
    const user = simpleUser(state.user(head.split('/')[0]!));
    return {
      url: api,
      sha,
      node_id: Buffer.from(`C_${sha}`).toString('base64'),
      html_url: `${state.htmlUrl}/${head}/commit/${sha}`,
      comments_url: `${api}/comments`,
      commit: { url: `${baseUrl}/repos/${head}/git/commits/${sha}`, author: person, committer: person, message: 'Change the model', comment_count: 0, tree: { sha: 'c'.repeat(40), url: `${baseUrl}/repos/${head}/git/trees/${'c'.repeat(40)}` } },
      author: user,
      committer: user,
      parents: parent ? [{ sha: parent, url: `${baseUrl}/repos/${head}/commits/${parent}`, html_url: `${state.htmlUrl}/${head}/commit/${parent}` }] : [],
    };
  }

  /** The signed blob link the 302 points at: the zip's bytes, for a request that carries no token. */
  function serveBlob(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    record.route = 'GET /_artifact-blobs/{id}.zip';
    if (req.headers.authorization) violations.push(`${record.method} ${record.url}: the artifact's blob link was sent the Authorization header (the token leaves GitHub's API)`);
    const a = state.artifacts.find((x) => `/_artifact-blobs/${x.id}.zip` === record.pathname);
    record.status = a ? 200 : 404;
    record.answeredAt = Date.now();
    if (!a) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('BlobNotFound');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(a.zip.length) });
    res.end(a.zip);
  }

  const handlers: Record<string, (call: Call) => Reply> = {
    ...checkRunHandlers,
    ...artifactHandlers,
    ...issueHandlers,
    'users/get-authenticated': ({ operation }) => {
      if (state.tokenUser === null) return forbidden(operation);
      return new Reply(200, privateUser(state.user(state.tokenUser)));
    },

    'issues/list-comments': ({ operation, params, query, accept }) => {
      const issueNumber = Number(params.issue_number);
      if (!repoMatches(params) || !state.issues.has(issueNumber)) return notFound(operation);
      let items = state.commentsOn(issueNumber);
      const since = query.get('since');
      if (since) items = items.filter((c) => Date.parse(c.updatedAt) >= Date.parse(since));
      const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
      const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
      const lastPage = Math.max(1, Math.ceil(items.length / perPage));
      const slice = items.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (lastPage > 1) {
        // GitHub's format: absolute /repositories/{id}/ URLs, the request's own query with page
        // replaced (or appended), rels in the order prev, next, last, first.
        const link = (n: number, rel: string): string => {
          const q = new URLSearchParams(query);
          q.set('page', String(n));
          return `<${baseUrl}/repositories/${state.repositoryId}/issues/${issueNumber}/comments?${q.toString()}>; rel="${rel}"`;
        };
        const parts: string[] = [];
        if (page > 1) parts.push(link(Math.min(page - 1, lastPage), 'prev'));
        if (page < lastPage) parts.push(link(page + 1, 'next'), link(lastPage, 'last'));
        if (page > 1) parts.push(link(1, 'first'));
        headers.link = parts.join(', ');
      }
      return new Reply(200, slice.map((c) => commentJson(c, mediaFormat(accept))), headers);
    },

    'issues/create-comment': ({ operation, params, body, accept }) => {
      const issueNumber = Number(params.issue_number);
      if (!repoMatches(params) || !state.issues.has(issueNumber)) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      const text = (body as { body: string }).body;
      const refusal = tooLong(operation, text);
      if (refusal) return refusal;
      const comment = state.addComment({ issueNumber, body: text, author: state.writer });
      const json = commentJson(comment, mediaFormat(accept));
      return new Reply(201, json, { location: String(json.url) });
    },

    'issues/get-comment': ({ operation, params, accept }) => {
      const comment = findComment(params);
      return comment ? new Reply(200, commentJson(comment, mediaFormat(accept))) : notFound(operation);
    },

    'issues/update-comment': ({ operation, params, body, accept }) => {
      const comment = findComment(params);
      if (!comment) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      if (comment.author.login.toLowerCase() !== state.writer.toLowerCase()) {
        // GitHub lets any token with write access edit others' comments, so the edit is made; but
        // model-gate editing a comment it did not write is a bug, so it is flagged.
        violations.push(`PATCH comment ${comment.id}: written by ${comment.author.login}, but the token acts as ${state.writer}`);
      }
      const text = (body as { body: string }).body;
      const refusal = tooLong(operation, text);
      if (refusal) return refusal;
      comment.body = text;
      comment.updatedAt = state.now();
      return new Reply(200, commentJson(comment, mediaFormat(accept)));
    },

    'issues/delete-comment': ({ operation, params }) => {
      const comment = findComment(params);
      if (!comment) return notFound(operation);
      if (state.writes === 'forbidden') return forbidden(operation);
      if (comment.author.login.toLowerCase() !== state.writer.toLowerCase()) {
        // Made, as on GitHub (write access may delete others' comments), and flagged, as for PATCH.
        violations.push(`DELETE comment ${comment.id}: written by ${comment.author.login}, but the token acts as ${state.writer}`);
      }
      state.comments = state.comments.filter((c) => c !== comment);
      return new Reply(204);
    }
  };

  // ---- request pipeline ---------------------------------------------------------------------

  function checkHeaders(method: string, headers: IncomingHttpHeaders, hasBody: boolean, note: (m: string) => void): Reply | undefined {
    if (!headers['user-agent']) {
      note('no User-Agent header (GitHub refuses such requests with 403)');
      return new Reply(403, errorBody(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).'));
    }
    const accept = headers.accept;
    if (accept !== undefined) {
      const media = accept.split(',').map((part) => part.split(';')[0]!.trim()).filter(Boolean);
      if (!media.some((m) => ACCEPTABLE_MEDIA.test(m))) note(`Accept header '${accept}' names no media type the REST API serves`);
    }
    const version = headers['x-github-api-version'];
    if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(version))) note(`X-GitHub-Api-Version '${String(version)}' is not a date-style API version`);
    if (hasBody && method !== 'GET') {
      const type = headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) note(`request body sent with Content-Type '${type}', expected application/json`);
    }
    const auth = headers.authorization;
    if (!auth) {
      note('no Authorization header');
      return new Reply(401, errorBody(401, 'Requires authentication'));
    }
    const m = /^(token|bearer)\s+(\S+)$/i.exec(auth);
    if (!m) {
      note(`Authorization header is not 'token …' or 'Bearer …'`);
      return new Reply(401, errorBody(401, 'Bad credentials'));
    }
    if (state.token !== undefined && m[2] !== state.token) {
      note('Authorization carries a token other than the one this server was started with');
      return new Reply(401, errorBody(401, 'Bad credentials'));
    }
    return undefined;
  }

  function takeFault(operation: Operation): Fault | undefined {
    const fault = state.faults.find(
      (f) => (f.method === undefined || f.method.toUpperCase() === operation.method) && (f.route === undefined || f.route === operation.template)
    );
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) state.faults = state.faults.filter((f) => f !== fault);
    }
    return fault;
  }

  /** What to do with a request: an answer now (refusals), or a checked call to handle, perhaps with a fault. */
  type Outcome = { reply: Reply; operation?: Operation } | { call: Call; fault?: Fault };

  function handle(method: string, rawUrl: string, headers: IncomingHttpHeaders, rawBody: string, record: RecordedRequest): Outcome {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    let pathname = url.pathname;
    const note = (message: string): void => {
      violations.push(`${method} ${rawUrl}: ${message}`);
    };

    const early = checkHeaders(method, headers, rawBody.length > 0, note);
    if (early) return { reply: early };

    // GitHub's own Link URLs use /repositories/{id}/...; serve them as the /repos/{owner}/{repo}/ route.
    const alias = /^\/repositories\/(\d+)(\/.*)$/.exec(pathname);
    if (alias) {
      if (Number(alias[1]) !== state.repositoryId) return { reply: new Reply(404, errorBody(404, 'Not Found')) };
      pathname = `/repos/${state.owner}/${state.repo}${alias[2]}`;
    }

    const match = contract.match(method, pathname);
    if (match.kind === 'no-path') {
      note('no such route in the GitHub REST API description');
      return { reply: new Reply(404, errorBody(404, 'Not Found')) };
    }
    if (match.kind === 'no-method') {
      note(`${match.template} has no ${method} operation (it has ${match.allowed.join(', ')})`);
      return { reply: new Reply(404, errorBody(404, 'Not Found')) };
    }
    const { operation, params } = match;
    record.route = `${operation.method} ${operation.template}`;
    record.operationId = operation.operationId;

    const paramProblems = contract.validateParameters(operation, params, url.searchParams);
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        note(`${operation.operationId}: request body is not JSON`);
        return { reply: new Reply(400, errorBody(400, 'Problems parsing JSON', operation.documentationUrl)), operation };
      }
    }
    record.body = body;
    const problems = [...paramProblems, ...contract.validateRequestBody(operation, body)];
    if (problems.length > 0) {
      for (const problem of problems) note(`${operation.operationId}: ${problem}`);
      return {
        reply: new Reply(422, {
          message: `Invalid request.\n\n${problems.join('\n')}`,
          documentation_url: operation.documentationUrl,
          status: '422'
        }),
        operation
      };
    }

    const call: Call = { operation, params, query: url.searchParams, body, accept: headers.accept, pathname };
    const fault = takeFault(operation);
    return fault ? { call, fault } : { call };
  }

  function dispatch(call: Call, note: (message: string) => void): Reply {
    const handler = handlers[call.operation.operationId];
    if (!handler) {
      note(`${call.operation.operationId} is a real GitHub operation, but this fake does not implement it`);
      return new Reply(501, errorBody(501, `Not implemented by the test server: ${call.operation.operationId}`));
    }
    return handler(call);
  }

  function faultReply(fault: Fault & { status: number }, operation: Operation): Reply {
    const message = fault.message ?? (fault.status >= 500 ? 'Server Error' : 'Injected failure');
    return new Reply(fault.status, errorBody(fault.status, message, operation.documentationUrl), fault.headers);
  }

  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** Apply the fault, if any, and answer (or not). */
  async function respond(res: ServerResponse, record: RecordedRequest, outcome: Outcome): Promise<void> {
    if ('reply' in outcome) return send(res, record, outcome.reply, outcome.operation);
    const { call, fault } = outcome;
    const note = (message: string): void => {
      violations.push(`${record.method} ${record.url}: ${message}`);
    };
    if (!fault) return send(res, record, dispatch(call, note), call.operation);
    const effects: string[] = [];
    if (fault.delayMs) {
      effects.push(`delay ${fault.delayMs} ms`);
      await sleep(fault.delayMs); // never resolves once the server closes
    }
    if (fault.stall) {
      record.fault = [...effects, 'stall'].join(', ');
      return; // the connection stays open until the client aborts it or the server closes
    }
    if (fault.reset === 'before') {
      record.fault = [...effects, 'reset before'].join(', ');
      res.socket?.destroy();
      return;
    }
    if (fault.before) {
      effects.push('state changed first');
      fault.before(state);
    }
    const reply = fault.status !== undefined ? faultReply({ ...fault, status: fault.status }, call.operation) : dispatch(call, note);
    if (fault.status !== undefined) effects.push(`status ${fault.status}`);
    if (fault.reset === 'after') {
      record.fault = [...effects, 'reset after'].join(', ');
      res.socket?.destroy();
      return;
    }
    record.fault = [...effects, ...(fault.reset === 'midway' ? ['reset midway'] : [])].join(', ');
    send(res, record, reply, call.operation, fault.reset === 'midway');
  }

  /** Answer; `cutOff` sends the headers and half the body, then drops the connection. */
  function send(res: ServerResponse, record: RecordedRequest, reply: Reply, operation: Operation | undefined, cutOff = false): void {
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `0000:${(++requestCounter).toString(16).toUpperCase()}:MODELGATE`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - requestCounter)),
      'x-ratelimit-used': String(requestCounter),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...reply.headers
    };
    let payload = '';
    if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    const where = `${record.method} ${record.url}`;
    const check = contract.validateResponse(operation, reply.status, reply.body);
    for (const error of check.errors) violations.push(`${where}: server sent an invalid response: ${error}`);
    if (!check.documented && operation) {
      undocumented.push(`${operation.method} ${operation.template} -> ${reply.status} (not listed in the description)`);
    }
    record.status = reply.status;
    record.responseHeaders = headers;
    record.responseBody = reply.body;
    record.answeredAt = Date.now();
    res.writeHead(reply.status, headers);
    if (cutOff) {
      res.write(payload.slice(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(payload);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const rawUrl = req.url ?? '/';
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(rawUrl, 'http://127.0.0.1');
      const record: RecordedRequest = {
        method,
        url: rawUrl,
        pathname: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        status: 0,
        responseHeaders: {},
        receivedAt: Date.now()
      };
      requests.push(record);
      if (method === 'GET' && url.pathname.startsWith('/_artifact-blobs/')) return serveBlob(req, res, record);
      const failed = (error: unknown): void => {
        violations.push(`${method} ${rawUrl}: test server failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        if (!res.headersSent && !res.destroyed) send(res, record, new Reply(500, errorBody(500, 'Server Error')), undefined);
      };
      try {
        respond(res, record, handle(method, rawUrl, req.headers, rawBody, record)).catch(failed);
      } catch (error) {
        failed(error);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    state,
    requests,
    violations,
    undocumented,
    contract,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })
  };
}
