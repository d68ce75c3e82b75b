// The sticky pull request comment publisher, against the loopback GitHub API (every request checked
// against GitHub's OpenAPI description), with the event read from a real pull_request payload.

import { readFileSync } from 'node:fs';
import { eventContextFrom, type EventContext } from '../../src/github/context.js';
import { commentMarker } from '../../src/github/marker.js';
import { runPublishers } from '../../src/publish/index.js';
import { NO_TOKEN, NOT_A_PULL_REQUEST, noPrComment, prComment } from '../../src/publish/pr-comment.js';
import { resolveSettings, type Settings } from '../../src/settings/settings.js';
import { InputError } from '../../src/errors.js';
import { startGitHubApi, type GitHubApi, type GitHubApiOptions } from '../support/github-api-server.js';
import { actionEnv, inputError, publishContext, type ActionEnv } from './action-env.js';

const TOKEN = 'ghs_prCommentSecretToken_0a1b2c3d4e5f';
const PAYLOAD = JSON.parse(readFileSync(new URL('../support/fixtures/pull_request.opened.json', import.meta.url), 'utf8'));

let env: ActionEnv;
let api: GitHubApi | undefined;
beforeEach(() => (env = actionEnv()));
afterEach(async () => {
  env.restore();
  await api?.close();
  api = undefined;
});

function pullRequestEvent(apiUrl: string, fromFork = false): EventContext {
  const payload = structuredClone(PAYLOAD);
  if (fromFork) payload.pull_request.head.repo.full_name = 'someone/model-repo';
  return eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: apiUrl, GITHUB_RUN_ID: '4242' }, payload);
}

async function publishOnce(options: GitHubApiOptions, fromFork = false, settings?: Settings) {
  api ??= await startGitHubApi({ token: TOKEN, ...options });
  const ctx = publishContext([inputError('input "data": data/eval.csv does not exist')], {
    event: pullRequestEvent(api.url, fromFork),
    token: TOKEN,
    settings,
  });
  ctx.out.addSecrets([TOKEN]);
  const [result] = await runPublishers([prComment({ secondMs: 1 })], ctx);
  return { ctx, result: result! };
}

test('creates the comment, then updates it; sets comment-id and logs where it is', async () => {
  const first = await publishOnce({});
  expect(api!.state.comments).toHaveLength(1);
  const comment = api!.state.comments[0]!;
  expect(first.result).toEqual({ name: 'pr-comment', status: 'done', detail: expect.stringContaining(`#issuecomment-${comment.id}`) });
  expect(comment.issueNumber).toBe(42);
  expect(comment.body.startsWith(commentMarker('default'))).toBe(true);
  expect(comment.body).toContain('data/eval.csv does not exist');
  expect(env.outputs()['comment-id']).toBe(String(comment.id));

  const second = await publishOnce({});
  expect(second.result.status).toBe('done');
  expect(api!.state.comments).toHaveLength(1);
  expect(env.outputs()['comment-id']).toBe(String(comment.id));
  const logged = env.stdout().filter((l) => l.startsWith('Pull request comment '));
  expect(logged).toEqual([`Pull request comment created: ${first.result.detail}`, `Pull request comment updated: ${second.result.detail}`]);
  expect(api!.violations).toEqual([]);
});

test('a GitHub App token: the comment-author setting names the login, so GET /user is never asked', async () => {
  const settings = { commentAuthor: 'model-gate-app[bot]' } as Settings;
  // Another app's comment with the same marker stays as it is.
  api = await startGitHubApi({ token: TOKEN, appToken: 'model-gate-app' });
  const foreign = api.state.addComment({ issueNumber: 42, author: 'other-app[bot]', body: `${commentMarker('default')}\nnot ours` });
  const first = await publishOnce({}, false, settings);
  const second = await publishOnce({}, false, settings);
  expect([first.result.status, second.result.status]).toEqual(['done', 'done']);
  const ours = api.state.comments.filter((c) => c.author.login === 'model-gate-app[bot]');
  expect(ours).toHaveLength(1);
  expect(env.outputs()['comment-id']).toBe(String(ours[0]!.id));
  expect(api.state.comments.find((c) => c.id === foreign.id)!.body).toBe(`${commentMarker('default')}\nnot ours`);
  expect(api.requests.some((r) => r.route === 'GET /user')).toBe(false);
  expect(api.violations).toEqual([]);
});

test('the comment-author input: a user or app bot login, else an InputError naming the input', () => {
  const base = { candidate: 'models/new', data: 'eval.csv', 'label-column': 'y' };
  expect(resolveSettings(base, undefined, '/w').commentAuthor).toBeUndefined();
  expect(resolveSettings({ ...base, 'comment-author': ' my-app[bot] ' }, undefined, '/w').commentAuthor).toBe('my-app[bot]');
  expect(resolveSettings({ ...base, 'comment-author': 'octo-cat' }, undefined, '/w').commentAuthor).toBe('octo-cat');
  for (const bad of ['my app[bot]', '-x', 'a[bot]x', '@octocat', 'x'.repeat(40), 'a\nb']) {
    expect(() => resolveSettings({ ...base, 'comment-author': bad }, undefined, '/w')).toThrow(InputError);
    expect(() => resolveSettings({ ...base, 'comment-author': bad }, undefined, '/w')).toThrow(/^comment-author: /);
  }
});

test('a fork pull request with a read-only token: a warning, no comment, no comment-id', async () => {
  const { result } = await publishOnce({ writes: 'forbidden' }, true);
  expect(result).toMatchObject({ name: 'pr-comment', status: 'skipped', detail: expect.stringMatching(/^the token cannot write/) });
  expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([`::warning::Pull request comment skipped: ${result.detail}`]);
  expect(api!.state.comments).toEqual([]);
  expect(env.outputs()['comment-id']).toBeUndefined();
  expect(api!.violations).toEqual([]);
});

test('a GitHub outage is a warning that says where the report is, without the token', async () => {
  const fault = { method: 'POST', route: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: 502, message: 'Bad Gateway' };
  const { result } = await publishOnce({ faults: [fault] });
  expect(result.status).toBe('failed');
  const warnings = env.stdout().filter((l) => l.startsWith('::warning::'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^::warning::Could not post the pull request comment: .*POST \/repos\/octo-org\/model-repo\/issues\/42\/comments.*HTTP 502.*\. The report is in the job summary\.$/);
  expect(env.stdout().filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(TOKEN);
  expect(env.outputs()['comment-id']).toBeUndefined();
  expect(api!.violations).toEqual([]);
});

test('the stand-in says why there is no comment, at its level', async () => {
  const ctx = publishContext([]);
  const results = await runPublishers([noPrComment('info', NOT_A_PULL_REQUEST), noPrComment('warning', NO_TOKEN)], ctx);
  expect(results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
  expect(env.stdout()).toEqual([
    'Not a pull request event: the report is in the job summary only.',
    '::warning::No github-token: cannot comment on the pull request; the report is in the job summary.',
  ]);
});
