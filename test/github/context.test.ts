import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventContextFrom, readEventContext } from '../../src/github/context.js';
import { GitHubError } from '../../src/errors.js';

const fixturePath = new URL('../support/fixtures/pull_request.opened.json', import.meta.url);
/** The parts of the payload these tests change. */
interface PullRequestPayload {
  pull_request: { head: { repo: Record<string, unknown> | null } };
}
const fixture = (): PullRequestPayload => JSON.parse(readFileSync(fixturePath, 'utf8'));

const env = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_REPOSITORY: 'octo-org/model-repo',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '1'
};

test('reads a pull_request event from GITHUB_EVENT_PATH', () => {
  const context = readEventContext({ ...env, GITHUB_EVENT_PATH: fixturePath.pathname });
  expect(context).toEqual({
    eventName: 'pull_request',
    repo: { owner: 'octo-org', repo: 'model-repo' },
    pullRequest: { number: 42, headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', fromFork: false },
    issueNumber: 42,
    runUrl: 'https://github.com/octo-org/model-repo/actions/runs/9876543210',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com'
  });
});

test('a head in another repository is a fork; a deleted head repository counts as one', () => {
  const payload = fixture();
  payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'mona-dev/model-repo' };
  expect(eventContextFrom(env, payload).pullRequest?.fromFork).toBe(true);
  payload.pull_request.head.repo = null;
  expect(eventContextFrom(env, payload).pullRequest?.fromFork).toBe(true);
});

test('pull_request_target is read the same way; GHES URLs and a re-run attempt are honoured', () => {
  const context = eventContextFrom(
    {
      ...env,
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      GITHUB_RUN_ATTEMPT: '2'
    },
    fixture()
  );
  expect(context.pullRequest?.number).toBe(42);
  expect(context.apiUrl).toBe('https://ghe.example.com/api/v3');
  expect(context.runUrl).toBe('https://ghe.example.com/octo-org/model-repo/actions/runs/9876543210/attempts/2');
});

test('issue_comment on a pull request gives the issue number only', () => {
  const context = eventContextFrom(
    { ...env, GITHUB_EVENT_NAME: 'issue_comment' },
    { action: 'created', issue: { number: 42, pull_request: { url: 'https://api.github.com/repos/octo-org/model-repo/pulls/42' } }, comment: { id: 1 } }
  );
  expect(context.issueNumber).toBe(42);
  expect(context.pullRequest).toBeUndefined();
  const onIssue = eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'issue_comment' }, { issue: { number: 3 } });
  expect(onIssue.issueNumber).toBeUndefined();
});

test('a push event, or no environment at all, has no pull request', () => {
  const push = eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push' }, { ref: 'refs/heads/main', after: 'abc' });
  expect(push.pullRequest).toBeUndefined();
  expect(push.repo).toEqual({ owner: 'octo-org', repo: 'model-repo' });
  expect(readEventContext({})).toEqual({ eventName: '', serverUrl: 'https://github.com', apiUrl: 'https://api.github.com' });
});

test('the repository falls back to the payload when GITHUB_REPOSITORY is absent', () => {
  const context = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request' }, fixture());
  expect(context.repo).toEqual({ owner: 'octo-org', repo: 'model-repo' });
  expect(context.runUrl).toBeUndefined();
});

test('an unreadable event file is a GitHubError naming the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model-gate-ctx-'));
  const broken = join(dir, 'event.json');
  writeFileSync(broken, '{ not json');
  expect(() => readEventContext({ ...env, GITHUB_EVENT_PATH: broken })).toThrow(GitHubError);
  expect(() => readEventContext({ ...env, GITHUB_EVENT_PATH: broken })).toThrow(broken);
});
