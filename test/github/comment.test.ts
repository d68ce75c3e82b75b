import { getOctokit } from '@actions/github';
import { commentMarker, hasMarker, sanitizeMarkerKey } from '../../src/github/marker.js';
import {
  DEFAULT_TRUNCATION_NOTE,
  fitCommentBody,
  GITHUB_ACTIONS_BOT,
  MAX_COMMENT_LENGTH,
  truncationNote,
  upsertStickyComment,
  withMarker
} from '../../src/github/comment.js';
import { GitHubError } from '../../src/errors.js';
import { gate } from '../../src/analysis/compare.js';
import { renderComment } from '../../src/report/comment.js';
import type { ModelMeasurement } from '../../src/types.js';
import { startGitHubApi, type GitHubApi, type GitHubApiOptions } from '../support/github-api-server.js';

const TOKEN = 'ghp_upsertTestToken0123456789abcdefXYZ';
const OWNER = 'acme';
const REPO = 'models';
const PR = 7;

let api: GitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setUp(options: GitHubApiOptions = {}) {
  api = await startGitHubApi({ owner: OWNER, repo: REPO, issues: [PR], token: TOKEN, ...options });
  return { api, octokit: getOctokit(TOKEN, { baseUrl: api.url }) };
}

const target = { owner: OWNER, repo: REPO, issueNumber: PR, key: 'ci' };

describe('commentMarker / hasMarker', () => {
  test('a plain key is kept readable', () => {
    expect(commentMarker('model-gate/main')).toBe('<!-- model-gate:comment key=model-gate/main -->');
  });

  test('a hostile key cannot close the HTML comment or break the line', () => {
    for (const key of ['x -->', 'a--b', '--!>', 'two\nlines', '<!-- nested', 'a->b', '-', '- -']) {
      const marker = commentMarker(key);
      const inner = marker.slice('<!--'.length, -'-->'.length);
      expect(inner).not.toContain('--');
      expect(inner).not.toMatch(/[<>\n\r]/);
      expect(marker.startsWith('<!-- model-gate:comment key=')).toBe(true);
    }
    expect(sanitizeMarkerKey('a--b')).toBe('a-%2Db');
    expect(sanitizeMarkerKey('')).toBe('default');
  });

  test('distinct keys give distinct markers, and matching is exact', () => {
    expect(commentMarker('a b')).not.toBe(commentMarker('a%20b'));
    const body = `${commentMarker('model')}\nreport`;
    expect(hasMarker(body, 'model')).toBe(true);
    expect(hasMarker(body, 'mode')).toBe(false);
    expect(hasMarker(body, 'model-2')).toBe(false);
    expect(hasMarker(`${commentMarker('model-2')}\n`, 'model')).toBe(false);
    expect(hasMarker(undefined, 'model')).toBe(false);
  });

  test("a marker quoted below the first line (a command's log in another key's comment) does not count", () => {
    // Found in review: a command printing the default key's marker made the run with key "other" adopt it.
    const other = `${commentMarker('other')}\n## model-gate\n\`\`\`text\n${commentMarker('default')}\n\`\`\``;
    expect(hasMarker(other, 'default')).toBe(false);
    expect(hasMarker(other, 'other')).toBe(true);
  });
});

describe('fitCommentBody', () => {
  test('short bodies pass unchanged; the marker is put first once', () => {
    expect(withMarker('hi', 'k')).toBe(`${commentMarker('k')}\nhi`);
    expect(withMarker(withMarker('hi', 'k'), 'k')).toBe(`${commentMarker('k')}\nhi`);
    expect(fitCommentBody('short', 'k')).toBe('short');
  });

  test('a long body is cut at a line boundary, keeps the marker, closes an open fence, adds the note', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`);
    const body = withMarker(['# Report', '```text', ...lines, '```'].join('\n'), 'k');
    const fitted = fitCommentBody(body, 'k');
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted.startsWith(commentMarker('k'))).toBe(true);
    expect(fitted.endsWith(DEFAULT_TRUNCATION_NOTE)).toBe(true);
    const kept = fitted.slice(0, fitted.indexOf('\n```\n\n> [!NOTE]'));
    // every kept row is whole
    expect(kept.split('\n').slice(3).every((line) => /^\| row \d+ \| x{20} \|$/.test(line))).toBe(true);
    expect((fitted.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  test('open <details> blocks are closed and a small custom limit is honoured', () => {
    const body = withMarker(`<details><summary>All</summary>\n\n${'line\n'.repeat(100)}</details>`, 'k');
    const fitted = fitCommentBody(body, 'k', 300, 'cut');
    expect(fitted.length).toBeLessThanOrEqual(300);
    expect(fitted).toMatch(/<\/details>\n\ncut$/);
  });

  test('the note links the run only for a plain http(s) link', () => {
    expect(truncationNote('https://github.com/o/r/actions/runs/1')).toContain('[workflow run](https://github.com/o/r/actions/runs/1)');
    for (const bad of ['javascript:alert(1)', 'https://x.test/a) [click](https://evil.test', 'https://x.test/a b', '']) {
      expect(truncationNote(bad)).toBe(DEFAULT_TRUNCATION_NOTE);
    }
    expect(DEFAULT_TRUNCATION_NOTE).toContain("workflow run's job summary");
  });

  test('one very long line is cut inside, not dropped whole: a finding quoting a huge value stays', () => {
    const huge = `- ❌ column label has a value "${'x'.repeat(200_000)}"`;
    const body = withMarker(['## ❌ model-gate: fail', '', '### Findings', '', huge, '- ⚠️ second finding'].join('\n'), 'k');
    const fitted = fitCommentBody(body, 'k');
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted).toContain('### Findings\n\n- ❌ column label has a value "xxxx');
    expect(fitted).toMatch(/x…\n\n> \[!NOTE\]/);
  });

  test('the real report, cut: the verdict, the failed gates and the run link are kept', () => {
    const runUrl = 'https://github.com/acme/models/actions/runs/77';
    const model = (name: string, role: ModelMeasurement['role'], accuracy: number, logLoss: number, log?: string): ModelMeasurement => ({
      name,
      role,
      path: `/w/${name}/model.onnx`,
      engine: 'command',
      backend: 'cpu',
      files: [],
      metrics: { accuracy: { value: accuracy }, log_loss: { value: logLoss }, example_count: { value: 100 } },
      ...(log !== undefined ? { log } : {})
    });
    // A chatty training command: its log (last in the report) pushes the comment far over the limit.
    const log = Array.from({ length: 20_000 }, (_, i) => `epoch ${i}: loss ${(1 / (i + 1)).toFixed(6)}`).join('\n');
    const models = [model('candidate', 'candidate', 0.7, 0.55, log), model('main', 'baseline', 0.9, 0.3), model('dummy', 'dummy', 0.5, 0.69)];
    const e = { task: 'binary' as const, classes: ['0', '1'], data: { path: '/w/eval.csv', rows: 100 }, models, gate: gate('binary', models, { accuracy: { min: 0.8, severity: 'fail' } }) };
    const md = renderComment(e, { marker: commentMarker('k'), changelog: '- evaluated', version: '0.1.0', runUrl });
    expect(md.length).toBeGreaterThan(MAX_COMMENT_LENGTH);
    const failedGates = md.split('\n').filter((line) => line.startsWith('- ❌'));
    expect(failedGates.join('\n')).toMatch(/accuracy/);
    const fitted = fitCommentBody(md, 'k', MAX_COMMENT_LENGTH, (cut) => truncationNote(runUrl, cut));
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted).toContain('## ❌ model-gate: fail');
    for (const line of failedGates) expect(fitted).toContain(line);
    expect(fitted).toContain(`[workflow run](${runUrl})`);
    // The note sits where the log was cut and says so; the changelog entry and the footer still end the comment.
    expect(fitted).toContain(truncationNote(runUrl, ''));
    expect(fitted).toMatch(/> Cut: Log of candidate's command \(\d+ of 2000\d lines kept\)\./);
    expect(fitted.endsWith(`</details>\n\n<sub>model-gate 0.1.0 · [workflow run](${runUrl})</sub>\n`)).toBe(true);
    expect(fitted).toContain('<summary>Changelog entry</summary>\n\n```markdown\n- evaluated\n```');
  });

  test('a body with no line breaks is still cut within the limit and not inside a surrogate pair', () => {
    const body = withMarker('😀'.repeat(40000), 'k');
    const fitted = fitCommentBody(body, 'k');
    expect(fitted.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('upsertStickyComment against the OpenAPI-checked fake', () => {
  test('first call creates, second call updates the same comment', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona' });
    const first = await upsertStickyComment(octokit, { ...target, body: 'first report' });
    expect(first.action).toBe('created');
    expect(first.url).toBe(`https://github.com/acme/models/pull/7#issuecomment-${first.id}`);
    const second = await upsertStickyComment(octokit, { ...target, body: 'second report' });
    expect(second).toEqual({ id: first.id, url: first.url, action: 'updated' });
    expect(api.state.commentsOn(PR)).toHaveLength(1);
    expect(api.state.commentsOn(PR)[0]!.body).toBe(`${commentMarker('ci')}\nsecond report`);
    expect(api.state.commentsOn(PR)[0]!.author.login).toBe('mona');
    expect(api.requests.map((r) => r.route)).toEqual([
      'GET /user',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      // Listed again after posting: a run started at the same time may have posted too.
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'GET /user',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    ]);
    expect(api.violations).toEqual([]);
  });

  test('finds its comment on page 3 of a 100-per-page listing', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona', preload: { count: 250, issueNumber: PR } });
    const own = api.state.addComment({ issueNumber: PR, author: 'mona', body: `${commentMarker('ci')}\nold report` });
    const result = await upsertStickyComment(octokit, { ...target, body: 'new report' });
    expect(result).toMatchObject({ id: own.id, action: 'updated' });
    expect(api.state.commentsOn(PR)).toHaveLength(251);
    const listings = api.requests.filter((r) => r.operationId === 'issues/list-comments');
    expect(listings.map((r) => r.query)).toEqual([
      { per_page: '100' },
      { per_page: '100', page: '2' },
      { per_page: '100', page: '3' }
    ]);
    // The later pages were fetched through GitHub's own Link URLs (/repositories/{id}/...).
    expect(listings[1]!.pathname).toMatch(/^\/repositories\/\d+\/issues\/7\/comments$/);
    expect(api.violations).toEqual([]);
  });

  test('a comment by another account carrying the same marker is left alone', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona' });
    const foreign = api.state.addComment({ issueNumber: PR, author: 'mallory', body: `${commentMarker('ci')}\nfake report` });
    const result = await upsertStickyComment(octokit, { ...target, body: 'real report' });
    expect(result.action).toBe('created');
    expect(result.id).not.toBe(foreign.id);
    expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${commentMarker('ci')}\nfake report`);
    expect(api.violations).toEqual([]);
  });

  test('a comment with a different key is not taken over; duplicates are folded into the oldest own match', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona' });
    const other = api.state.addComment({ issueNumber: PR, author: 'mona', body: `${commentMarker('ci-2')}\nother` });
    const older = api.state.addComment({ issueNumber: PR, author: 'mona', body: `${commentMarker('ci')}\nolder` });
    api.state.addComment({ issueNumber: PR, author: 'mona', body: `${commentMarker('ci')}\nnewer` });
    const result = await upsertStickyComment(octokit, { ...target, body: 'report' });
    expect(result).toMatchObject({ id: older.id, action: 'updated' });
    expect(api.state.commentsOn(PR).map((c) => [c.id, c.body])).toEqual([
      [other.id, `${commentMarker('ci-2')}\nother`],
      [older.id, `${commentMarker('ci')}\nreport`]
    ]);
    expect(api.requests.map((r) => r.route).slice(1)).toEqual([
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}'
    ]);
    expect(api.violations).toEqual([]);
  });

  test('a cut body links the workflow run in its note', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona' });
    const runUrl = 'https://github.com/acme/models/actions/runs/4242/attempts/2';
    const body = Array.from({ length: 4000 }, (_, i) => `line ${i} ${'y'.repeat(30)}`).join('\n') + `\n\n<sub>model-gate · [workflow run](${runUrl})</sub>`;
    await upsertStickyComment(octokit, { ...target, body, runUrl });
    const stored = api.state.commentsOn(PR)[0]!.body;
    expect(stored.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(stored.endsWith(truncationNote(runUrl))).toBe(true);
    expect(stored).toContain(`[workflow run](${runUrl})'s job summary`);
    expect(api.violations).toEqual([]);
  });

  test('with GITHUB_TOKEN (GET /user is 403) the author is github-actions[bot]', async () => {
    const { api, octokit } = await setUp({ tokenUser: null });
    api.state.addComment({ issueNumber: PR, author: 'mona', body: `${commentMarker('ci')}\nby a human` });
    const first = await upsertStickyComment(octokit, { ...target, body: 'one' });
    const second = await upsertStickyComment(octokit, { ...target, body: 'two' });
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ id: first.id, action: 'updated' });
    const mine = api.state.comments.find((c) => c.id === first.id)!;
    expect(mine.author.login).toBe(GITHUB_ACTIONS_BOT);
    expect(api.requests.filter((r) => r.route === 'GET /user').map((r) => r.status)).toEqual([403, 403]);
    expect(api.violations).toEqual([]);
  });

  test('an explicit author skips GET /user, and only that login\'s comments are touched', async () => {
    const { api, octokit } = await setUp({ tokenUser: null, writer: 'model-gate-app[bot]' });
    const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${commentMarker('ci')}\ntheirs` });
    const actions = api.state.addComment({ issueNumber: PR, author: GITHUB_ACTIONS_BOT, body: `${commentMarker('ci')}\nactions` });
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const first = await upsertStickyComment(octokit, { ...target, body: 'one', author: 'model-gate-app[bot]', warn });
    const second = await upsertStickyComment(octokit, { ...target, body: 'two', author: 'Model-Gate-App[bot]', warn });
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ id: first.id, action: 'updated' });
    expect(api.requests.some((r) => r.route === 'GET /user')).toBe(false);
    expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${commentMarker('ci')}\ntheirs`);
    expect(api.state.comments.find((c) => c.id === actions.id)!.body).toBe(`${commentMarker('ci')}\nactions`);
    expect(warnings).toEqual([]);
    expect(api.violations).toEqual([]);
  });

  test("GITHUB_TOKEN (GET /user is 403): another bot's marked comments are never edited or deleted", async () => {
    // Found in review: with GET /user refused, any `[bot]` comment with the marker was taken for ours, and
    // GitHub lets a token with write access edit and delete others' comments (so does the server).
    const { api, octokit } = await setUp({ tokenUser: null });
    const marker = commentMarker('ci');
    const older = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${marker}\ntheirs` });
    const copy = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${marker}\ntheir copy` });
    const dependabot = api.state.addComment({ issueNumber: PR, author: 'dependabot[bot]', body: `${marker}\nbump` });
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const first = await upsertStickyComment(octokit, { ...target, body: 'one', warn });
    const second = await upsertStickyComment(octokit, { ...target, body: 'two', warn });
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ id: first.id, action: 'updated' });
    expect(api.state.commentsOn(PR).map((c) => [c.id, c.author.login, c.body])).toEqual([
      [older.id, 'other-app[bot]', `${marker}\ntheirs`],
      [copy.id, 'other-app[bot]', `${marker}\ntheir copy`],
      [dependabot.id, 'dependabot[bot]', `${marker}\nbump`],
      [first.id, GITHUB_ACTIONS_BOT, `${marker}\ntwo`]
    ]);
    expect(api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE').map((r) => r.url)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/comments/${first.id}`
    ]);
    expect(warnings).toEqual([]);
    expect(api.violations).toEqual([]);
  });

  test('an app token without comment-author: its login is learnt from its post, its duplicates folded, others left', async () => {
    const app = 'model-gate-app[bot]';
    const { api, octokit } = await setUp({ tokenUser: null, writer: app });
    const marker = commentMarker('ci');
    const foreign = api.state.addComment({ issueNumber: PR, author: 'other-app[bot]', body: `${marker}\ntheirs` });
    // Left by earlier runs of the app: the oldest is kept, the other is deleted with this run's own post.
    const kept = api.state.addComment({ issueNumber: PR, author: app, body: `${marker}\nold` });
    const dup = api.state.addComment({ issueNumber: PR, author: app, body: `${marker}\nold copy` });
    const warnings: string[] = [];
    const result = await upsertStickyComment(octokit, { ...target, body: 'new', warn: (m) => warnings.push(m) });
    expect(result).toMatchObject({ id: kept.id, action: 'updated' });
    expect(api.state.commentsOn(PR).map((c) => [c.id, c.body])).toEqual([
      [foreign.id, `${marker}\ntheirs`],
      [kept.id, `${marker}\nnew`]
    ]);
    const posted = api.requests.find((r) => r.method === 'POST')!.responseBody as { id: number };
    expect(api.requests.filter((r) => r.method === 'DELETE').map((r) => r.url).sort()).toEqual(
      [dup.id, posted.id].map((id) => `/repos/${OWNER}/${REPO}/issues/comments/${id}`).sort()
    );
    expect(warnings).toEqual([
      'The token writes pull request comments as "model-gate-app[bot]", not "github-actions[bot]": ' +
        'set comment-author: "model-gate-app[bot]" so model-gate finds its comment without posting a new one each run.'
    ]);
    expect(api.violations).toEqual([]);
  });

  test('a body over GitHub’s limit is cut so GitHub accepts it', async () => {
    const { api, octokit } = await setUp({ tokenUser: 'mona' });
    const body = Array.from({ length: 4000 }, (_, i) => `line ${i} ${'y'.repeat(30)}`).join('\n');
    await upsertStickyComment(octokit, { ...target, body });
    const stored = api.state.commentsOn(PR)[0]!;
    expect(stored.body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(stored.body.startsWith(commentMarker('ci'))).toBe(true);
    expect(stored.body).toContain('job summary');
    expect(api.violations).toEqual([]);
  });

  test('an HTTP failure becomes a GitHubError naming method, path and status', async () => {
    const { octokit } = await setUp({
      tokenUser: 'mona',
      faults: [{ method: 'GET', route: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: 502, message: 'Bad Gateway' }]
    });
    const error = await upsertStickyComment(octokit, { ...target, body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as Error).message).toContain('GET /repos/acme/models/issues/7/comments?per_page=100');
    expect((error as Error).message).toContain('HTTP 502');
    expect((error as Error).message).toContain('Bad Gateway');
  });
});
