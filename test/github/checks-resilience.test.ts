// A whole publishing run (the in-progress step, the outputs, the JSON report, the check run with its
// annotations and the sticky comment) against a GitHub that fails the ways the real one does: 500, 502,
// 503 then success; a 403 secondary rate limit with Retry-After; 429; connection resets before and after
// the server acted. Every case must end with exactly one check run (its annotations each once), one
// comment, and the report file written. The API is the loopback server, which checks every request
// against GitHub's OpenAPI description; faults are injected after that check.

import { existsSync, readFileSync } from 'node:fs';
import { eventContextFrom } from '../../src/github/context.js';
import { commentMarker } from '../../src/github/marker.js';
import { checkRun, checkRunExternalId, checkRunSource, fallbackOutput, startCheckRun, stoppedOutput } from '../../src/publish/check-run.js';
import { runPublishers } from '../../src/publish/index.js';
import { reportJsonOutput, verdictOutput } from '../../src/publish/outputs.js';
import { prComment } from '../../src/publish/pr-comment.js';
import type { Finding } from '../../src/types.js';
import { GITHUB_ACTIONS_LOGIN, secondaryRateLimit, startGitHubApi, type Fault, type GitHubApi, type RecordedRequest } from '../support/github-api-server.js';
import { actionEnv, publishContext, type ActionEnv } from '../publish/action-env.js';

const TOKEN = 'ghs_checksResilienceSecret0123456789abcd';
const PAYLOAD = JSON.parse(readFileSync(new URL('../support/fixtures/pull_request.opened.json', import.meta.url), 'utf8'));
const RUNS = '/repos/{owner}/{repo}/check-runs';
const RUN = '/repos/{owner}/{repo}/check-runs/{check_run_id}';
const LIST = '/repos/{owner}/{repo}/commits/{ref}/check-runs';
const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const SECOND_MS = 5;
const CLIENT = { secondMs: SECOND_MS, timeoutMs: 2000 };
const RUNNER = { GITHUB_WORKSPACE: '/nonexistent-workspace', GITHUB_WORKFLOW_REF: 'octo-org/model-repo/.github/workflows/gate.yml@refs/pull/42/merge' };

/** 60 findings: the completion needs two writes of annotations (50, then 10). */
const FINDINGS: Finding[] = Array.from({ length: 60 }, (_, i) => ({
  kind: i % 2 ? 'data_drift' : 'input_error',
  severity: i % 2 ? 'warning' : 'error',
  message: `finding ${i}: column "c${i}" is off`
}));

let env: ActionEnv;
let api: GitHubApi | undefined;
beforeEach(() => (env = actionEnv()));
afterEach(async () => {
  env.restore();
  await api?.close();
  api = undefined;
});

/** 500, then 502, then 503, then the request goes through. */
function threeServerErrors(method: string, route: string): Fault[] {
  return [500, 502, 503].map((status) => ({ method, route, status, times: 1 }));
}

/** One line per request: `POST runs 201`, `PATCH run 503`, `GET list reset after`. */
function trace(requests: RecordedRequest[]): string[] {
  const names: Record<string, string> = { [RUNS]: 'runs', [RUN]: 'run', [LIST]: 'list', [`${RUN}/annotations`]: 'annotations', [COMMENTS]: 'comments' };
  // GET /user is the comment's author lookup, not part of what is tested here.
  return requests.filter((r) => r.pathname !== '/user').map((r) => {
    const template = r.route?.replace(/^\S+ /, '') ?? r.pathname;
    const outcome = r.status === 0 ? r.fault : `${r.status}${r.fault?.endsWith('reset midway') ? ' reset midway' : ''}`;
    const annotations = (r.body as { output?: { annotations?: unknown[] } } | undefined)?.output?.annotations?.length;
    return `${r.method} ${names[template] ?? template}${annotations ? ` +${annotations}` : ''} ${outcome}`;
  });
}

interface Case {
  name: string;
  faults: () => Fault[];
  trace: string[];
  /** The client must pause at least this many SECOND_MS after the first rate-limited answer. */
  waitsAtLeast?: number;
}

const cases: Case[] = [
  {
    name: '500, 502, 503 then success on every write (check run create, check run update, comment post)',
    faults: () => [...threeServerErrors('POST', RUNS), ...threeServerErrors('PATCH', RUN), ...threeServerErrors('POST', COMMENTS)],
    trace: [
      // in progress: each lost create is checked by listing before the next
      'GET list 200', 'POST runs 500', 'GET list 200', 'POST runs 502', 'GET list 200', 'POST runs 503', 'GET list 200', 'POST runs 201',
      // completion: a PATCH with annotations is not retried blind; the run is read again first
      'GET list 200', 'PATCH run +50 500', 'GET list 200', 'PATCH run +50 502',
      'GET list 200', 'PATCH run +50 503', 'GET list 200', 'PATCH run +50 200', 'PATCH run +10 200',
      'GET comments 200', 'POST comments 500', 'GET comments 200', 'POST comments 502', 'GET comments 200', 'POST comments 503', 'GET comments 200', 'POST comments 201', 'GET comments 200'
    ]
  },
  {
    name: '500, 502, 503 then success on the listings (retried by the client)',
    faults: () => [...threeServerErrors('GET', LIST), ...threeServerErrors('GET', COMMENTS)],
    trace: [
      'GET list 500', 'GET list 502', 'GET list 503', 'GET list 200', 'POST runs 201',
      'GET list 200', 'PATCH run +50 200', 'PATCH run +10 200',
      'GET comments 500', 'GET comments 502', 'GET comments 503', 'GET comments 200', 'POST comments 201', 'GET comments 200'
    ]
  },
  {
    name: '403 secondary rate limit with Retry-After: 2 on the writes',
    faults: () => [
      { method: 'POST', route: RUNS, ...secondaryRateLimit(2), times: 1 },
      { method: 'PATCH', route: RUN, ...secondaryRateLimit(2), times: 1 },
      { method: 'POST', route: COMMENTS, ...secondaryRateLimit(2), times: 1 }
    ],
    trace: [
      'GET list 200', 'POST runs 403', 'POST runs 201',
      'GET list 200', 'PATCH run +50 403', 'PATCH run +50 200', 'PATCH run +10 200',
      'GET comments 200', 'POST comments 403', 'POST comments 201', 'GET comments 200'
    ],
    waitsAtLeast: 2
  },
  {
    name: '429 with Retry-After: 2 on the writes',
    faults: () => [
      { method: 'POST', route: RUNS, ...secondaryRateLimit(2, 429), times: 1 },
      { method: 'PATCH', route: RUN, ...secondaryRateLimit(2, 429), times: 1 },
      { method: 'POST', route: COMMENTS, ...secondaryRateLimit(2, 429), times: 1 }
    ],
    trace: [
      'GET list 200', 'POST runs 429', 'POST runs 201',
      'GET list 200', 'PATCH run +50 429', 'PATCH run +50 200', 'PATCH run +10 200',
      'GET comments 200', 'POST comments 429', 'POST comments 201', 'GET comments 200'
    ],
    waitsAtLeast: 2
  },
  {
    name: 'connection reset after the server acted: the run, the annotations and the comment are found, not made twice',
    faults: () => [
      { method: 'POST', route: RUNS, reset: 'after', times: 1 },
      { method: 'PATCH', route: RUN, reset: 'after', times: 1 },
      { method: 'POST', route: COMMENTS, reset: 'after', times: 1 }
    ],
    trace: [
      // the lost create is found by listing: not made twice
      'GET list 200', 'POST runs reset after', 'GET list 200',
      'GET list 200', 'PATCH run +50 reset after', 'GET list 200', 'GET annotations 200', 'PATCH run +10 200',
      'GET comments 200', 'POST comments reset after', 'GET comments 200'
    ]
  },
  {
    name: 'connection reset before the server acted, and midway through an answer',
    faults: () => [
      { method: 'GET', route: LIST, reset: 'before', times: 1 },
      { method: 'POST', route: RUNS, reset: 'midway', times: 1 },
      { method: 'PATCH', route: RUN, reset: 'before', times: 1 },
      { method: 'POST', route: COMMENTS, reset: 'before', times: 1 }
    ],
    trace: [
      'GET list reset before', 'GET list 200', 'POST runs 201 reset midway', 'GET list 200',
      'GET list 200', 'PATCH run +50 reset before', 'GET list 200', 'PATCH run +50 200', 'PATCH run +10 200',
      'GET comments 200', 'POST comments reset before', 'GET comments 200', 'POST comments 201', 'GET comments 200'
    ]
  },
  {
    name: 'the in-progress step fails throughout: the completion still happens, and creates the run',
    faults: () => [{ method: 'POST', route: RUNS, status: 503, message: 'Service Unavailable', times: 4 }],
    trace: [
      'GET list 200', 'POST runs 503', 'GET list 200', 'POST runs 503', 'GET list 200', 'POST runs 503', 'GET list 200', 'POST runs 503',
      'GET list 200', 'POST runs +50 201', 'PATCH run +10 200',
      'GET comments 200', 'POST comments 201', 'GET comments 200'
    ]
  }
];

test.each(cases)('$name', async (c) => {
  api = await startGitHubApi({ token: TOKEN, faults: c.faults(), preload: 2 });
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' }, PAYLOAD);
  const ctx = publishContext(FINDINGS, { event, token: TOKEN });
  ctx.out.addSecrets([TOKEN]);

  await startCheckRun({ event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, RUNNER);
  const results = await runPublishers([verdictOutput, reportJsonOutput, checkRun(CLIENT, RUNNER), prComment(CLIENT)], ctx);

  expect(trace(api.requests)).toEqual(c.trace);
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['verdict', 'done'],
    ['report-json', 'done'],
    ['check-run', 'done'],
    ['pr-comment', 'done']
  ]);
  // Exactly one check run, completed, with every annotation once.
  const runs = api.state.checkRuns;
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ externalId: checkRunExternalId('default', checkRunSource(event, RUNNER)), name: 'model-gate', status: 'completed', conclusion: 'failure', title: '❌ model-gate: fail' });
  expect(runs[0]!.annotations.map((a) => a.message)).toEqual(FINDINGS.map((f) => f.message));
  // Exactly one comment of ours beside the two preloaded ones.
  const own = api.state.commentsOn(42).filter((x) => x.author.login === GITHUB_ACTIONS_LOGIN && x.body.startsWith(commentMarker('default')));
  expect(own).toHaveLength(1);
  expect(api.state.commentsOn(42)).toHaveLength(3);
  // The report is never lost: the file is written and the output names it.
  const reportPath = env.outputs()['report-json']!;
  expect(existsSync(reportPath)).toBe(true);
  expect(JSON.parse(readFileSync(reportPath, 'utf8')).verdict ?? JSON.parse(readFileSync(reportPath, 'utf8')).gate?.verdict).toBe('fail');
  expect(env.outputs().verdict).toBe('fail');
  expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([]);
  expect(env.stdout().filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(TOKEN);
  expect(api.violations).toEqual([]);
  if (c.waitsAtLeast !== undefined) {
    for (const limited of api.requests.filter((r) => r.status === 403 || r.status === 429)) {
      const next = api.requests[api.requests.indexOf(limited) + 1]!;
      expect(next.receivedAt - limited.answeredAt!).toBeGreaterThanOrEqual(c.waitsAtLeast * SECOND_MS - 1);
    }
  }
});

test('a failure that outlasts the retries is one warning; the verdict and the report stand', async () => {
  api = await startGitHubApi({ token: TOKEN, faults: [{ method: 'PATCH', route: RUN, status: 503, message: 'Service Unavailable' }] });
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' }, PAYLOAD);
  const ctx = publishContext(FINDINGS, { event, token: TOKEN });
  await startCheckRun({ event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, RUNNER);
  const results = await runPublishers([verdictOutput, reportJsonOutput, checkRun(CLIENT, RUNNER)], ctx);
  expect(results.map((r) => r.status)).toEqual(['done', 'done', 'failed']);
  const warnings = env.stdout().filter((l) => l.startsWith('::warning::'));
  expect(warnings).toEqual([expect.stringMatching(/^::warning::Could not complete the check run: GitHub API request PATCH \/repos\/octo-org\/model-repo\/check-runs\/\d+ failed with HTTP 503: Service Unavailable.*\. The report is in the job summary\.$/)]);
  // GitHub failed the closing write too: the warning says the run may stay in progress.
  expect(warnings[0]).toContain('The check run could not be closed either');
  expect(api.state.checkRuns).toHaveLength(1);
  expect(existsSync(env.outputs()['report-json']!)).toBe(true);
  expect(api.violations).toEqual([]);
});

test('a completion whose writes fail past the retries: one last minimal write closes the run, so it does not hang in progress', async () => {
  // The four PATCHes that carry annotations (the first try and three after reading again) answer 503; the
  // minimal closing PATCH goes through.
  api = await startGitHubApi({ token: TOKEN, faults: [{ method: 'PATCH', route: RUN, status: 503, message: 'Service Unavailable', times: 4 }] });
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' }, PAYLOAD);
  const ctx = publishContext(FINDINGS, { event, token: TOKEN });
  await startCheckRun({ event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, RUNNER);
  const results = await runPublishers([verdictOutput, reportJsonOutput, checkRun(CLIENT, RUNNER)], ctx);
  expect(results.map((r) => r.status)).toEqual(['done', 'done', 'failed']);
  expect(trace(api.requests)).toEqual([
    'GET list 200', 'POST runs 201',
    'GET list 200', 'PATCH run +50 503', 'GET list 200', 'PATCH run +50 503', 'GET list 200', 'PATCH run +50 503', 'GET list 200', 'PATCH run +50 503',
    'GET list 200', 'PATCH run 200'
  ]);
  expect(api.state.checkRuns).toHaveLength(1);
  expect(api.state.checkRuns[0]).toMatchObject({
    status: 'completed',
    conclusion: 'failure',
    ...fallbackOutput('❌ model-gate: fail', 'fail', 'https://github.com/octo-org/model-repo/actions/runs/4242'),
    annotations: []
  });
  expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([
    expect.stringMatching(/^::warning::Could not complete the check run: .*HTTP 503: Service Unavailable.*\. The check run was closed as failure with a short summary\. The report is in the job summary\.$/)
  ]);
  expect(existsSync(env.outputs()['report-json']!)).toBe(true);
  expect(api.violations).toEqual([]);
});

test('a crash after the in-progress step: close() rides out a 502 and a reset and completes the run as failed', async () => {
  api = await startGitHubApi({
    token: TOKEN,
    faults: [
      { method: 'GET', route: LIST, status: 502, message: 'Bad Gateway', times: 1 },
      { method: 'PATCH', route: RUN, reset: 'before', times: 1 }
    ]
  });
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' }, PAYLOAD);
  const ctx = publishContext(FINDINGS, { event, token: TOKEN });
  const started = await startCheckRun({ event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, RUNNER);
  await started.close('failure');
  expect(trace(api.requests)).toEqual(['GET list 502', 'GET list 200', 'POST runs 201', 'GET list 200', 'PATCH run reset before', 'PATCH run 200']);
  expect(api.state.checkRuns).toHaveLength(1);
  expect(api.state.checkRuns[0]).toMatchObject({ id: started.id, status: 'completed', conclusion: 'failure', ...stoppedOutput('https://github.com/octo-org/model-repo/actions/runs/4242') });
  expect(api.violations).toEqual([]);
});

test('the first write landed, a later batch of annotations did not: the run shows the result, and the warning says what is missing', async () => {
  // The completing PATCH (+50) goes through (only delayed); the four PATCHes of the last 10 answer 503.
  api = await startGitHubApi({
    token: TOKEN,
    faults: [
      { method: 'PATCH', route: RUN, delayMs: 1, times: 1 },
      { method: 'PATCH', route: RUN, status: 503, message: 'Service Unavailable', times: 4 }
    ]
  });
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' }, PAYLOAD);
  const ctx = publishContext(FINDINGS, { event, token: TOKEN });
  await startCheckRun({ event, settings: undefined, token: TOKEN, out: ctx.out }, CLIENT, RUNNER);
  const results = await runPublishers([checkRun(CLIENT, RUNNER)], ctx);
  expect(results.map((r) => r.status)).toEqual(['failed']);
  expect(trace(api.requests)).toEqual([
    'GET list 200', 'POST runs 201',
    'GET list 200', 'PATCH run +50 200', 'PATCH run +10 503',
    'GET list 200', 'GET annotations 200', 'PATCH run +10 503',
    'GET list 200', 'GET annotations 200', 'PATCH run +10 503',
    'GET list 200', 'GET annotations 200', 'PATCH run +10 503'
  ]);
  // No closing write: the run already shows the conclusion and the full report.
  expect(api.state.checkRuns).toHaveLength(1);
  expect(api.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure', title: '❌ model-gate: fail' });
  expect(api.state.checkRuns[0]!.summary).toBe(ctx.report.markdown);
  expect(api.state.checkRuns[0]!.annotations).toHaveLength(50);
  expect(env.stdout().filter((l) => l.startsWith('::warning::'))).toEqual([
    expect.stringMatching(/^::warning::Could not complete the check run: .*HTTP 503.*\. The check run shows the conclusion and the report, but not every annotation\. The report is in the job summary\.$/)
  ]);
  expect(api.violations).toEqual([]);
});
