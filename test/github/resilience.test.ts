// Publishing against a GitHub that fails the ways the real one does: 5xx, rate limits, resets, stalls,
// a comment deleted mid-run, and two runs at once. The API is the loopback server, which checks every
// request against GitHub's OpenAPI description; faults are injected after that check.
import { publishComment, type PublishCommentOptions } from '../../src/github/publish.js';
import { GitHubHttpError } from '../../src/github/http-error.js';
import { commentMarker } from '../../src/github/marker.js';
import {
  GITHUB_ACTIONS_LOGIN,
  primaryRateLimit,
  secondaryRateLimit,
  startGitHubApi,
  type Fault,
  type GitHubApi,
  type RecordedRequest
} from '../support/github-api-server.js';

const TOKEN = 'ghs_resilienceSecret0123456789abcdefABCD';
const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const COMMENT = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const KEY = 'gate';
const MARKER = commentMarker(KEY);

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(faults: Fault[], existing: string[] = []): Promise<GitHubApi> {
  api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], token: TOKEN, faults, preload: 2 });
  for (const text of existing) api.state.addComment({ issueNumber: 7, author: GITHUB_ACTIONS_LOGIN, body: `${MARKER}\n${text}` });
  return api;
}

function publish(api: GitHubApi, body: string, options: Partial<PublishCommentOptions> = {}) {
  return publishComment({
    token: TOKEN,
    apiUrl: api.url,
    owner: 'acme',
    repo: 'models',
    issueNumber: 7,
    body,
    key: KEY,
    author: GITHUB_ACTIONS_LOGIN,
    secondMs: 5,
    timeoutMs: 2000,
    ...options
  });
}

/** One line per request: `POST comments 201`, `GET comments reset before`, `PATCH comment 503`. */
function trace(requests: RecordedRequest[]): string[] {
  return requests.map((r) => {
    const what = r.route?.endsWith('{comment_id}') ? 'comment' : 'comments';
    const outcome = r.status === 0 ? r.fault : String(r.status);
    return `${r.method} ${what} ${outcome}${r.fault?.endsWith('reset midway') ? ' reset midway' : ''}`;
  });
}

function ownComments(api: GitHubApi) {
  return api.state.commentsOn(7).filter((c) => c.author.login === GITHUB_ACTIONS_LOGIN && c.body.startsWith(MARKER));
}

describe('fault matrix: each transient failure is retried and leaves exactly one comment', () => {
  interface Case {
    name: string;
    faults: () => Fault[];
    /** Bodies of comments an earlier run left. */
    existing?: string[];
    options?: Partial<PublishCommentOptions>;
    trace: string[];
    action: 'created' | 'updated';
    /** The client must pause at least this many `secondMs` after the first faulted answer (a Retry-After, a rate-limit reset). */
    waitsAtLeast?: number;
  }
  const fresh = ['GET comments 200', 'POST comments 201', 'GET comments 200'];
  const cases: Case[] = [
    {
      name: '500 on the post (nothing made): listed again, posted again',
      faults: () => [{ method: 'POST', route: COMMENTS, status: 500, times: 1 }],
      trace: ['GET comments 200', 'POST comments 500', ...fresh],
      action: 'created'
    },
    {
      name: '502 on the listing',
      faults: () => [{ method: 'GET', route: COMMENTS, status: 502, message: 'Bad Gateway', times: 1 }],
      trace: ['GET comments 502', ...fresh],
      action: 'created'
    },
    {
      name: '503 on the edit',
      faults: () => [{ method: 'PATCH', route: COMMENT, status: 503, times: 1 }],
      existing: ['old report'],
      trace: ['GET comments 200', 'PATCH comment 503', 'PATCH comment 200'],
      action: 'updated'
    },
    {
      name: '502 on deleting a duplicate',
      faults: () => [{ method: 'DELETE', route: COMMENT, status: 502, times: 1 }],
      existing: ['old report', 'duplicate from an older version'],
      trace: ['GET comments 200', 'PATCH comment 200', 'DELETE comment 502', 'DELETE comment 204'],
      action: 'updated'
    },
    {
      name: '429 secondary rate limit with Retry-After: 3',
      faults: () => [{ method: 'GET', route: COMMENTS, ...secondaryRateLimit(3, 429), times: 1 }],
      options: { secondMs: 40 },
      trace: ['GET comments 429', ...fresh],
      action: 'created',
      // The retry plugin alone would come back after 1 unit; Retry-After says 3.
      waitsAtLeast: 3
    },
    {
      name: '403 secondary rate limit with Retry-After: 3',
      faults: () => [{ method: 'PATCH', route: COMMENT, ...secondaryRateLimit(3), times: 1 }],
      existing: ['old report'],
      options: { secondMs: 40 },
      trace: ['GET comments 200', 'PATCH comment 403', 'PATCH comment 200'],
      action: 'updated',
      waitsAtLeast: 3
    },
    {
      name: '403 primary rate limit (x-ratelimit-remaining: 0), reset in 2 s',
      faults: () => [{ method: 'GET', route: COMMENTS, ...primaryRateLimit(Math.floor(Date.now() / 1000) + 2), times: 1 }],
      options: { secondMs: 40 },
      trace: ['GET comments 403', ...fresh],
      action: 'created',
      // The plugin waits until one second after the reset: 2 to 3 seconds from now.
      waitsAtLeast: 2
    },
    {
      name: 'connection reset before the listing is answered',
      faults: () => [{ method: 'GET', route: COMMENTS, reset: 'before', times: 1 }],
      trace: ['GET comments reset before', ...fresh],
      action: 'created'
    },
    {
      name: 'connection reset before the post is handled: posted again',
      faults: () => [{ method: 'POST', route: COMMENTS, reset: 'before', times: 1 }],
      trace: ['GET comments 200', 'POST comments reset before', ...fresh],
      action: 'created'
    },
    {
      name: 'connection reset after the server made the comment: found by listing, not posted twice',
      faults: () => [{ method: 'POST', route: COMMENTS, reset: 'after', times: 1 }],
      trace: ['GET comments 200', 'POST comments reset after', 'GET comments 200'],
      action: 'created'
    },
    {
      name: "connection reset midway through the post's answer: not posted twice",
      faults: () => [{ method: 'POST', route: COMMENTS, reset: 'midway', times: 1 }],
      trace: ['GET comments 200', 'POST comments 201 reset midway', 'GET comments 200'],
      action: 'created'
    },
    {
      name: 'stalled listing: timed out and retried',
      faults: () => [{ method: 'GET', route: COMMENTS, stall: true, times: 1 }],
      options: { timeoutMs: 150 },
      trace: ['GET comments stall', ...fresh],
      action: 'created'
    },
    {
      name: 'post answered after the time limit, the comment made late: found by listing, not posted twice',
      faults: () => [{ method: 'POST', route: COMMENTS, delayMs: 150, times: 1 }],
      // Timed out at 100 ms, made at 150 ms, listed again after a 200 ms pause.
      options: { timeoutMs: 100, secondMs: 200 },
      trace: ['GET comments 200', 'POST comments 201', 'GET comments 200'],
      action: 'created'
    }
  ];

  test.each(cases)('$name', async (c) => {
    const api = await start(c.faults(), c.existing);
    const log: string[] = [];
    const result = await publish(api, 'new report', { ...c.options, log: (line) => log.push(line) });
    expect(trace(api.requests)).toEqual(c.trace);
    expect(result.action).toBe(c.action);
    const own = ownComments(api);
    expect(own.map((x) => x.body)).toEqual([`${MARKER}\nnew report`]);
    expect(result.id).toBe(own[0]!.id);
    expect(api.state.commentsOn(7)).toHaveLength(3); // the two preloaded comments by others, and ours
    expect(api.violations).toEqual([]);
    if (c.waitsAtLeast !== undefined) {
      const faulted = api.requests.findIndex((r) => r.status === 403 || r.status === 429);
      const next = api.requests[faulted + 1]!;
      // Date.now() has whole milliseconds: allow 1 ms of rounding.
      expect(next.receivedAt - api.requests[faulted]!.answeredAt!).toBeGreaterThanOrEqual(c.waitsAtLeast * c.options!.secondMs! - 1);
      expect(log).toEqual([expect.stringMatching(/^GitHub's (secondary )?rate limit on (GET|PATCH) \/repos\/\S+: retry 1 of 3 in [23] s\.$/)]);
    } else {
      expect(log).toEqual([]);
    }
  });
});

describe('fault matrix: a failure that outlasts the retries is one named GitHubError', () => {
  interface Case {
    name: string;
    faults: () => Fault[];
    existing?: string[];
    options?: Partial<PublishCommentOptions>;
    /** The failing request, as it appears in the message. */
    request: RegExp;
    message: RegExp;
    /** How many times the failing route was tried. */
    tries: number;
    /** The last line told to `log`, for rate limits. */
    log?: RegExp;
  }
  const cases: Case[] = [
    {
      name: '503 on every edit',
      faults: () => [{ method: 'PATCH', route: COMMENT, status: 503, message: 'Service Unavailable' }],
      existing: ['old report'],
      request: /PATCH \/repos\/acme\/models\/issues\/comments\/\d+/,
      message: /failed with HTTP 503: Service Unavailable/,
      tries: 4
    },
    {
      name: '500 on every post (each retry lists first)',
      faults: () => [{ method: 'POST', route: COMMENTS, status: 500 }],
      request: /POST \/repos\/acme\/models\/issues\/7\/comments/,
      message: /failed with HTTP 500: Server Error/,
      tries: 4
    },
    {
      name: 'secondary rate limit on every listing',
      faults: () => [{ method: 'GET', route: COMMENTS, ...secondaryRateLimit(1) }],
      request: /GET \/repos\/acme\/models\/issues\/7\/comments\?per_page=100/,
      message: /failed with HTTP 403: You have exceeded a secondary rate limit/,
      tries: 4,
      log: /secondary rate limit on GET \S+: not waiting 1 s \(no retries left\)\.$/
    },
    {
      name: 'primary rate limit that resets in an hour: no wait at all',
      faults: () => [{ method: 'GET', route: COMMENTS, ...primaryRateLimit(Math.floor(Date.now() / 1000) + 3600) }],
      request: /GET \/repos\/acme\/models\/issues\/7\/comments/,
      message: /failed with HTTP 403: API rate limit exceeded/,
      tries: 1,
      log: /rate limit on GET \S+: not waiting 360[01] s \(over 60 s\)\.$/
    },
    {
      name: 'every listing stalls',
      faults: () => [{ method: 'GET', route: COMMENTS, stall: true }],
      options: { timeoutMs: 100 },
      request: /GET \/repos\/acme\/models\/issues\/7\/comments/,
      message: /could not be completed: timed out: no answer within 0\.1 s/,
      tries: 4
    },
    {
      name: 'every post is reset before it is handled',
      faults: () => [{ method: 'POST', route: COMMENTS, reset: 'before' }],
      request: /POST \/repos\/acme\/models\/issues\/7\/comments/,
      message: /could not be completed: /,
      tries: 4
    }
  ];

  test.each(cases)('$name', async (c) => {
    const api = await start(c.faults(), c.existing);
    const started = Date.now();
    const log: string[] = [];
    const error = await publish(api, 'new report', { ...c.options, log: (line) => log.push(line) }).catch((e: unknown) => e);
    if (c.log) expect(log.at(-1)).toMatch(c.log);
    expect(error).toBeInstanceOf(GitHubHttpError);
    const e = error as GitHubHttpError;
    expect(e.message).toMatch(c.request);
    expect(e.message).toMatch(c.message);
    for (const text of [e.message, String(e.stack), JSON.stringify(e)]) expect(text).not.toContain(TOKEN);
    const route = `${e.method} ${e.route.split(' ')[1]}`;
    expect(api.requests.filter((r) => r.route === route)).toHaveLength(c.tries);
    expect(ownComments(api).map((x) => x.body)).toEqual((c.existing ?? []).map((t) => `${MARKER}\n${t}`));
    expect(api.violations).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

test('a comment deleted during the run (the edit answers 404) is posted anew', async () => {
  const api = await start([
    { method: 'PATCH', route: COMMENT, times: 1, before: (state) => (state.comments = state.comments.filter((c) => !c.body.startsWith(MARKER))) }
  ], ['old report']);
  const result = await publish(api, 'new report');
  expect(trace(api.requests)).toEqual(['GET comments 200', 'PATCH comment 404', 'GET comments 200', 'POST comments 201', 'GET comments 200']);
  expect(result.action).toBe('created');
  expect(ownComments(api).map((c) => [c.id, c.body])).toEqual([[result.id, `${MARKER}\nnew report`]]);
  expect(api.violations).toEqual([]);
});

describe('runs at once for the same key leave exactly one comment', () => {
  const zeroDelay = (method: string, route: string, times: number): Fault => ({ method, route, delayMs: 0, times });
  // `posts`: how many runs posted (found no comment), where the interleaving fixes it.
  const interleavings: { name: string; runs?: number; existing?: string[]; faults: Fault[]; posts?: number }[] = [
    { name: 'both list before either posts', faults: [], posts: 2 },
    { name: "the first post lands after the second run's", faults: [{ method: 'POST', route: COMMENTS, delayMs: 40, times: 1 }] },
    { name: 'the first listing is slow', faults: [{ method: 'GET', route: COMMENTS, delayMs: 40, times: 1 }] },
    // The first two listings pass; the first listing after a post is slow.
    { name: 'a confirming listing is slow', faults: [zeroDelay('GET', COMMENTS, 2), { method: 'GET', route: COMMENTS, delayMs: 40, times: 1 }] },
    { name: 'an edit is slow', faults: [{ method: 'PATCH', route: COMMENT, delayMs: 40, times: 1 }] },
    { name: 'a delete is slow', faults: [{ method: 'DELETE', route: COMMENT, delayMs: 40, times: 1 }] },
    { name: "an earlier run's comment is there", existing: ['old report'], faults: [], posts: 0 },
    { name: 'three runs', runs: 3, faults: [], posts: 3 },
    { name: 'three runs, the first post slow', runs: 3, faults: [{ method: 'POST', route: COMMENTS, delayMs: 30, times: 1 }] }
  ];

  test.each(interleavings)('$name', async ({ runs = 2, existing, faults, posts }) => {
    const api = await start(faults, existing);
    const bodies = Array.from({ length: runs }, (_, i) => `report of run ${i + 1}`);
    const results = await Promise.all(bodies.map((body) => publish(api, body)));
    if (posts !== undefined) expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(posts);
    const own = ownComments(api);
    expect(own).toHaveLength(1);
    // The run that wrote last wins, as when runs follow each other.
    const writes = api.requests
      .filter((r) => (r.method === 'POST' && r.status === 201) || (r.method === 'PATCH' && r.status === 200))
      .sort((a, b) => a.answeredAt! - b.answeredAt!);
    expect(own[0]!.body).toBe((writes.at(-1)!.body as { body: string }).body);
    expect(bodies.map((b) => `${MARKER}\n${b}`)).toContain(own[0]!.body);
    expect(results.map((r) => r.id)).toEqual(bodies.map(() => own[0]!.id));
    expect(api.violations).toEqual([]);
  });
});
