// The fake GitHub API must itself hold to GitHub's contract, or the tests built on it prove nothing.
import { readFileSync } from 'node:fs';
import { startGitHubApi, type GitHubApi } from '../support/github-api-server.js';
import { loadGitHubContract } from '../support/openapi-contract.js';

const TOKEN = 'ghs_testtoken0123456789abcdefABCDEF0000';
const HEADERS = {
  authorization: `token ${TOKEN}`,
  accept: 'application/vnd.github.v3+json',
  'user-agent': 'model-gate-tests'
};

function send(api: GitHubApi, method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json; charset=utf-8' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
  });
}

describe('fake GitHub API: request validation against the OpenAPI description', () => {
  let api: GitHubApi;
  beforeEach(async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7] });
  });
  afterEach(async () => {
    await api.close();
  });

  test('listens on 127.0.0.1 only', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a comment body with a misspelt field is answered 422 and recorded', async () => {
    const response = await send(api, 'POST', '/repos/acme/models/issues/7/comments', { bodyy: 'x' });
    expect(response.status).toBe(422);
    const json = (await response.json()) as { message: string; documentation_url: string };
    expect(json.message).toContain("must have required property 'body'");
    expect(json.documentation_url).toBe('https://docs.github.com/rest/issues/comments#create-an-issue-comment');
    expect(api.violations).toHaveLength(1);
    expect(api.violations[0]).toContain('issues/create-comment');
    expect(api.violations[0]).toContain("must have required property 'body'");
    expect(api.state.comments).toEqual([]);
  });

  test('a body of the wrong type is refused', async () => {
    const response = await send(api, 'PATCH', '/repos/acme/models/issues/comments/5', { body: 12 });
    expect(response.status).toBe(422);
    expect(api.violations.join('\n')).toMatch(/request body\/body must be string/);
  });

  test('a body that is not JSON is answered 400 Problems parsing JSON', async () => {
    const response = await send(api, 'POST', '/repos/acme/models/issues/7/comments', '{"body": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('Problems parsing JSON');
    expect(api.violations).toHaveLength(1);
  });

  test('an unknown route is answered 404 in GitHub style and recorded', async () => {
    const response = await send(api, 'GET', '/repos/acme/models/issue/7/comments');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    expect(api.violations).toEqual([expect.stringContaining('no such route')]);
  });

  test('a method the route does not have is recorded', async () => {
    const response = await send(api, 'PUT', '/repos/acme/models/issues/7/comments', { body: 'x' });
    expect(response.status).toBe(404);
    expect(api.violations[0]).toMatch(/has no PUT operation \(it has GET, POST\)/);
  });

  test('path and query parameters are checked for type, and unknown query names are flagged', async () => {
    expect((await send(api, 'GET', '/repos/acme/models/issues/seven/comments')).status).toBe(422);
    expect((await send(api, 'GET', '/repos/acme/models/issues/7/comments?per_page=many')).status).toBe(422);
    expect((await send(api, 'GET', '/repos/acme/models/issues/7/comments?perpage=100')).status).toBe(422);
    expect((await send(api, 'GET', '/repos/acme/models/issues/7/comments?since=yesterday')).status).toBe(422);
    expect(api.violations).toHaveLength(4);
    expect(api.violations[0]).toMatch(/path parameters\/issue_number must be integer/);
    expect(api.violations[1]).toMatch(/query parameters\/per_page must be integer/);
    expect(api.violations[2]).toMatch(/query parameter 'perpage' is not a parameter of issues\/list-comments/);
    expect(api.violations[3]).toMatch(/since must match format "date-time"/);
  });

  test('literal path segments win over templated ones', () => {
    const contract = loadGitHubContract();
    const literal = contract.match('GET', '/repos/acme/models/issues/comments');
    expect(literal.kind === 'operation' && literal.operation.operationId).toBe('issues/list-comments-for-repo');
    const templated = contract.match('GET', '/repos/acme/models/issues/12');
    expect(templated.kind === 'operation' && templated.operation.operationId).toBe('issues/get');
    const comment = contract.match('PATCH', '/repos/acme/models/issues/comments/99');
    expect(comment.kind === 'operation' && comment.params).toEqual({ owner: 'acme', repo: 'models', comment_id: '99' });
  });

  test('requests without Authorization or User-Agent are refused and recorded', async () => {
    const noAuth = await send(api, 'GET', '/repos/acme/models/issues/7/comments', undefined, { 'user-agent': 'x', accept: 'application/json' });
    expect(noAuth.status).toBe(401);
    const noAgent = await fetch(`${api.url}/user`, { headers: { authorization: 'token abc', 'user-agent': '' } });
    expect(noAgent.status).toBe(403);
    expect(api.violations).toEqual([expect.stringContaining('no Authorization header'), expect.stringContaining('no User-Agent header')]);
  });

  test('an Accept header naming a media type GitHub does not serve is recorded', async () => {
    const response = await send(api, 'GET', '/repos/acme/models/issues/7/comments', undefined, { ...HEADERS, accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(api.violations).toEqual([expect.stringContaining("Accept header 'text/html'")]);
  });

  test('a documented route the fake does not implement is a violation, not a silent success', async () => {
    const response = await send(api, 'GET', '/repos/acme/models/pulls/7/files');
    expect(response.status).toBe(501);
    expect(api.violations).toEqual([expect.stringContaining('pulls/list-files is a real GitHub operation')]);
  });
});

describe('fake GitHub API: realistic responses', () => {
  let api: GitHubApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  test('comment create, get, update and list bodies satisfy the response schemas', async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], tokenUser: 'mona' });
    const created = await send(api, 'POST', '/repos/acme/models/issues/7/comments', { body: 'hello' });
    expect(created.status).toBe(201);
    const comment = (await created.json()) as { id: number; url: string; html_url: string; user: { login: string }; body: string };
    expect(created.headers.get('location')).toBe(comment.url);
    expect(comment.html_url).toBe(`https://github.com/acme/models/pull/7#issuecomment-${comment.id}`);
    expect(comment.user.login).toBe('mona');
    expect((await send(api, 'GET', `/repos/acme/models/issues/comments/${comment.id}`)).status).toBe(200);
    const updated = await send(api, 'PATCH', `/repos/acme/models/issues/comments/${comment.id}`, { body: 'edited' });
    expect(((await updated.json()) as { body: string }).body).toBe('edited');
    const user = await send(api, 'GET', '/user');
    expect(((await user.json()) as { login: string }).login).toBe('mona');
    expect((await send(api, 'GET', '/repos/acme/models/issues/comments/1')).status).toBe(404);
    expect(api.violations).toEqual([]);
  });

  test('GET /user answers 403 like GITHUB_TOKEN by default', async () => {
    api = await startGitHubApi();
    const response = await send(api, 'GET', '/user');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe('Resource not accessible by integration');
    expect(api.violations).toEqual([]);
  });

  test('the response validator catches a body that breaks the schema', () => {
    const contract = loadGitHubContract();
    const match = contract.match('GET', '/repos/a/b/issues/comments/1');
    if (match.kind !== 'operation') throw new Error('route not found');
    const check = contract.validateResponse(match.operation, 200, { id: 'one', body: 'x' });
    expect(check.documented).toBe(true);
    expect(check.errors.join('\n')).toMatch(/must have required property 'node_id'/);
    expect(check.errors.join('\n')).toMatch(/\/id must be integer/);
    // OpenAPI `nullable`: `user` may be null, but not a number.
    const base = { id: 1, node_id: 'x', url: 'https://x.test/1', html_url: 'https://x.test/1', issue_url: 'https://x.test/1', created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' };
    expect(contract.validateResponse(match.operation, 200, { ...base, user: null }).errors).toEqual([]);
    expect(contract.validateResponse(match.operation, 200, { ...base, user: 5 }).errors).not.toEqual([]);
  });

  test('pagination: per_page, page and a Link header formatted as GitHub does', async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', repositoryId: 4242, issues: [7], preload: 250 });
    const first = await send(api, 'GET', '/repos/acme/models/issues/7/comments?per_page=100');
    const firstItems = (await first.json()) as { id: number }[];
    expect(firstItems).toHaveLength(100);
    const base = `${api.url}/repositories/4242/issues/7/comments`;
    expect(first.headers.get('link')).toBe(`<${base}?per_page=100&page=2>; rel="next", <${base}?per_page=100&page=3>; rel="last"`);

    const second = await fetch(`${base}?per_page=100&page=2`, { headers: HEADERS });
    expect(second.status).toBe(200);
    expect(second.headers.get('link')).toBe(
      `<${base}?per_page=100&page=1>; rel="prev", <${base}?per_page=100&page=3>; rel="next", ` +
        `<${base}?per_page=100&page=3>; rel="last", <${base}?per_page=100&page=1>; rel="first"`
    );
    const third = await fetch(`${base}?per_page=100&page=3`, { headers: HEADERS });
    const thirdItems = (await third.json()) as { id: number }[];
    expect(thirdItems).toHaveLength(50);
    expect(third.headers.get('link')).toBe(`<${base}?per_page=100&page=2>; rel="prev", <${base}?per_page=100&page=1>; rel="first"`);
    // Ascending ids across pages, as GitHub lists issue comments.
    expect(thirdItems[0]!.id).toBeGreaterThan(firstItems[99]!.id);

    const defaults = await send(api, 'GET', '/repos/acme/models/issues/7/comments');
    expect((await defaults.json()) as unknown[]).toHaveLength(30);
    const capped = await send(api, 'GET', '/repos/acme/models/issues/7/comments?per_page=500');
    expect((await capped.json()) as unknown[]).toHaveLength(100);
    expect(api.violations).toEqual([]);
  });

  test('a single page carries no Link header; unknown issues and repositories are 404', async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], preload: 3 });
    const response = await send(api, 'GET', '/repos/acme/models/issues/7/comments?per_page=100');
    expect(response.headers.get('link')).toBeNull();
    expect((await send(api, 'GET', '/repos/acme/models/issues/8/comments')).status).toBe(404);
    expect((await send(api, 'GET', '/repos/acme/other/issues/7/comments')).status).toBe(404);
    expect(api.violations).toEqual([]);
  });

  test('writes answer 403 Resource not accessible by integration when the token is read-only', async () => {
    api = await startGitHubApi({ issues: [7], writes: 'forbidden' });
    const response = await send(api, 'POST', `/repos/${api.state.owner}/${api.state.repo}/issues/7/comments`, { body: 'x' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toBe('Resource not accessible by integration');
    expect(api.violations).toEqual([]);
  });

  test("deleting another account's comment is carried out, as on GitHub, and recorded; deleting one's own answers 204 without a body", async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], tokenUser: 'mona' });
    const foreign = api.state.addComment({ issueNumber: 7, author: 'octocat', body: 'theirs' });
    const own = api.state.addComment({ issueNumber: 7, author: 'mona', body: 'mine' });
    expect((await send(api, 'DELETE', `/repos/acme/models/issues/comments/${foreign.id}`)).status).toBe(204);
    const deleted = await send(api, 'DELETE', `/repos/acme/models/issues/comments/${own.id}`);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(api.state.comments).toEqual([]);
    expect(api.violations).toEqual([expect.stringContaining(`DELETE comment ${foreign.id}: written by octocat, but the token acts as mona`)]);
  });


  test('faults: a reset after handling makes the change and sends nothing; a request that breaks the contract is refused first', async () => {
    const route = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issues: [7], faults: [{ method: 'POST', route, reset: 'after' }] });
    await expect(send(api, 'POST', '/repos/acme/models/issues/7/comments', { body: 'made anyway' })).rejects.toThrow();
    expect(api.state.comments.map((c) => c.body)).toEqual(['made anyway']);
    expect(api.requests[0]).toMatchObject({ status: 0, fault: 'reset after' });
    // The contract check comes before any fault: a bad request gets its 422, not the fault.
    expect((await send(api, 'POST', '/repos/acme/models/issues/7/comments', { bodyy: 'x' })).status).toBe(422);
    expect(api.violations).toEqual([expect.stringContaining("must have required property 'body'")]);
  });

  test('a body over 65536 characters is refused with 422 like GitHub', async () => {
    api = await startGitHubApi({ issues: [7] });
    const response = await send(api, 'POST', `/repos/${api.state.owner}/${api.state.repo}/issues/7/comments`, { body: 'x'.repeat(65537) });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('body is too long (maximum is 65536 characters)');
    expect(api.violations).toEqual([expect.stringContaining('GitHub accepts at most 65536')]);
  });
});

describe('pull_request event fixture', () => {
  test('matches the webhook-pull-request-opened schema of the description', () => {
    const payload: unknown = JSON.parse(readFileSync(new URL('../support/fixtures/pull_request.opened.json', import.meta.url), 'utf8'));
    const outcome = loadGitHubContract().validateComponent('webhook-pull-request-opened', payload);
    expect(outcome.errors).toEqual([]);
    expect(outcome.ok).toBe(true);
  });
});
