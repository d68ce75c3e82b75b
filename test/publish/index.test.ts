// Which publishers a run gets, per event and settings, and the rule that runs them: one that fails is
// a warning naming what it could not do, and the ones after it still run.

import { readFileSync } from 'node:fs';
import { eventContextFrom, type EventContext } from '../../src/github/context.js';
import { choosePublishers, runPublishers, type PublishChoice, type Publisher } from '../../src/publish/index.js';
import { actionEnv, publishContext, type ActionEnv } from './action-env.js';

const PAYLOAD = JSON.parse(readFileSync(new URL('../support/fixtures/pull_request.opened.json', import.meta.url), 'utf8'));
const ENV = { GITHUB_REPOSITORY: 'octo-org/model-repo', GITHUB_RUN_ID: '4242' };

function event(name: string, payload: unknown = {}): EventContext {
  return eventContextFrom({ ...ENV, GITHUB_EVENT_NAME: name }, payload);
}

function chosen(over: Partial<PublishChoice>): string[] {
  const choice: PublishChoice = { event: event('pull_request', PAYLOAD), settings: { comment: true }, commentInput: '', token: 'ghs_x', stepSummary: '/tmp/summary', ...over };
  // No runner environment: GITHUB_SHA (set when the project's own CI runs this) must not choose a check run on push.
  return choosePublishers(choice, {}).map((p) => p.name);
}

const OUTPUTS = ['verdict', 'report-json', 'changelog'];

describe('choosePublishers', () => {
  test('a pull request gets the outputs, the summary, the annotations, the check run and the comment, in that order', () => {
    expect(chosen({})).toEqual([...OUTPUTS, 'summary', 'annotations', 'check-run', 'pr-comment']);
    expect(chosen({ event: event('pull_request_target', PAYLOAD) })).toEqual([...OUTPUTS, 'summary', 'annotations', 'check-run', 'pr-comment']);
  });

  test('a comment on a pull request is commented on too', () => {
    const payload = { issue: { number: 42, pull_request: { url: 'https://api.github.com/repos/octo-org/model-repo/pulls/42' } } };
    expect(chosen({ event: event('issue_comment', payload) })).toEqual([...OUTPUTS, 'summary', 'annotations', 'pr-comment']);
  });

  test.each(['push', 'schedule', 'workflow_dispatch'])('%s gets no comment, only the line that says why', (name) => {
    expect(chosen({ event: event(name, { ref: 'refs/heads/main' }) })).toEqual([...OUTPUTS, 'summary', 'annotations', 'no-pr-comment']);
  });

  test('comment: false leaves the comment out, and its stand-in too', () => {
    expect(chosen({ settings: { comment: false } })).toEqual([...OUTPUTS, 'summary', 'annotations', 'check-run']);
    expect(chosen({ settings: { comment: false }, event: event('push') })).toEqual([...OUTPUTS, 'summary', 'annotations']);
  });

  test('without a token the comment is a warning instead', async () => {
    const publishers = choosePublishers({ event: event('pull_request', PAYLOAD), settings: { comment: true }, commentInput: '', token: '', stepSummary: undefined }, {});
    expect(publishers.map((p) => p.name)).toEqual([...OUTPUTS, 'annotations', 'no-pr-comment']);
    const env = actionEnv();
    try {
      await publishers.at(-1)!.publish(publishContext([]));
      expect(env.stdout()).toEqual(['::warning::No github-token: cannot comment on the pull request; the report is in the job summary.']);
    } finally {
      env.restore();
    }
  });

  test('settings that could not be read: the raw comment input decides', () => {
    expect(chosen({ settings: undefined, commentInput: 'false' })).toEqual([...OUTPUTS, 'summary', 'annotations', 'check-run']);
    expect(chosen({ settings: undefined, commentInput: '' })).toEqual([...OUTPUTS, 'summary', 'annotations', 'check-run', 'pr-comment']);
    expect(chosen({ settings: undefined, event: undefined })).toEqual([...OUTPUTS, 'summary', 'annotations', 'no-pr-comment']);
  });

  test('the job summary only when the runner names a file for it', () => {
    expect(chosen({ stepSummary: undefined })).not.toContain('summary');
    expect(chosen({ stepSummary: '' })).not.toContain('summary');
  });
});

describe('runPublishers', () => {
  let env: ActionEnv;
  beforeEach(() => (env = actionEnv()));
  afterEach(() => env.restore());

  const ran: string[] = [];
  const ok = (name: string): Publisher => ({ name, action: `do ${name}`, publish: () => (ran.push(name), { status: 'done' }) });

  test('a publisher that throws is a warning naming it; the rest still run, in order', async () => {
    ran.length = 0;
    const secret = 'ghs_runPublishersSecret_42';
    const broken: Publisher = {
      name: 'broken',
      action: 'open the check run',
      publish: async () => {
        throw new Error(`HTTP 500 with ${secret}\n::error::injected`);
      },
    };
    const ctx = publishContext([]);
    ctx.out.addSecrets([secret]);
    const results = await runPublishers([ok('a'), broken, ok('b')], ctx);
    expect(ran).toEqual(['a', 'b']);
    expect(results).toEqual([
      { name: 'a', status: 'done' },
      { name: 'broken', status: 'failed', detail: 'Could not open the check run: HTTP 500 with ***\n::error::injected' },
      { name: 'b', status: 'done' },
    ]);
    const lines = env.stdout().filter((l) => !l.startsWith('::add-mask::'));
    expect(lines).toEqual(['::warning::Could not open the check run: HTTP 500 with ***%0A::error::injected']);
  });
});
