// The publish bundle's checks (mode: publish): size caps, a damaged zip, the report schema, the pull
// request match, and the re-rendered comment escaping every string of the untrusted report.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUNDLE_LIMITS,
  BundleError,
  bundleFolderName,
  checkBundlePullRequest,
  readBundles,
  slimReport,
  unzipInMemory,
  type BundlePullRequest,
  type LookedUpPullRequest,
  type TriggeringRun,
} from '../../src/publish/bundle.js';
import { renderFromJson } from '../../src/report/from-json.js';
import type { JsonReport } from '../../src/report/json.js';
import { validateReport } from '../../src/report/report-schema.js';
import { makeZip } from './bundle-zip.js';

const GOLDEN = path.join(process.cwd(), 'test', 'golden', 'files');
// Evaluation reports only (the drift report, `kind: drift`, is another document).
const goldenReports = readdirSync(GOLDEN).filter((f) => f.endsWith('.json') && !('kind' in JSON.parse(readFileSync(path.join(GOLDEN, f), 'utf8'))));
/** A golden report, with the machine's description (a placeholder there) put back as an object. */
const load = (file: string): Record<string, unknown> => {
  const r = JSON.parse(readFileSync(path.join(GOLDEN, file), 'utf8')) as Record<string, unknown>;
  if (r.hardware === '<machine>') r.hardware = { cpu: 'x' };
  return r;
};
const report = (): JsonReport => load('penguins-sex.json') as unknown as JsonReport;
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const pr = (over: Partial<BundlePullRequest> = {}): BundlePullRequest => ({ schemaVersion: 1, number: 42, headSha: SHA, repository: 'octo-org/model-repo', key: 'default', ...over });
const zipOf = (r: unknown, p: unknown = pr(), folder = 'default-abc/'): Buffer =>
  makeZip({ [`${folder}report.json`]: JSON.stringify(r), [`${folder}pull-request.json`]: JSON.stringify(p) });

describe('the report schema', () => {
  test.each(goldenReports)('accepts the golden report %s', (file) => {
    expect(validateReport(load(file))).toEqual([]);
  });

  test('names what is wrong', () => {
    const r = report() as unknown as Record<string, unknown>;
    expect(validateReport({ ...r, verdict: 'great' })).toEqual(['$.verdict: must be one of "pass", "warn", "fail"']);
    expect(validateReport({ ...r, markdown: '# hi' })).toEqual(['$.markdown: not a field of the report']);
    const { findings: _f, ...noFindings } = r;
    expect(validateReport(noFindings)).toEqual(['$: "findings" is missing']);
    expect(validateReport({ ...r, findings: [{ kind: 'x', severity: 'error', message: 5 }] })).toEqual(['$.findings[0].message: must be string, not integer']);
  });
});

describe('readBundles', () => {
  test('reads a bundle from a deflated or stored zip', () => {
    for (const deflate of [true, false]) {
      const zip = makeZip({ 'default-abc/report.json': JSON.stringify(report()), 'default-abc/pull-request.json': JSON.stringify(pr()) }, deflate);
      const [b] = readBundles(zip);
      expect(b!.pullRequest).toEqual(pr());
      expect(b!.report.verdict).toBe(report().verdict);
    }
  });

  test('refuses an oversized artifact, compressed or unpacked', () => {
    const zip = zipOf(report());
    expect(() => readBundles(zip, { maxZipBytes: 100, maxUnpackedBytes: 1e7, maxEntries: 10 })).toThrow(/more than the 100 allowed/);
    // A zip bomb: a small archive that unpacks to far more than the cap.
    const bomb = makeZip({ 'report.json': Buffer.alloc(20 * 1024 * 1024, 32), 'pull-request.json': JSON.stringify(pr()) });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => readBundles(bomb)).toThrow(/unpacks to more than the 10485760 bytes allowed/);
  });

  test('refuses what is not a zip, a damaged entry and foreign entries', () => {
    expect(() => readBundles(Buffer.from('PK not really a zip'))).toThrow(/not a readable zip archive/);
    const zip = zipOf(report());
    const damaged = Buffer.from(zip);
    damaged[60] = damaged[60]! ^ 0xff; // inside the first entry's compressed bytes
    expect(() => readBundles(damaged)).toThrow(BundleError);
    expect(() => readBundles(makeZip({ '../../.github/workflows/x.yml': 'on: push', 'report.json': '{}' }))).toThrow(/"..\/..\/.github\/workflows\/x.yml", which is not part of a publish bundle/);
    expect(() => readBundles(makeZip({ 'a/report.json': JSON.stringify(report()) }))).toThrow(/bundle "a" lacks pull-request.json/);
  });

  test('refuses a report that breaks the schema, and a pull-request.json with a bad field', () => {
    expect(() => readBundles(zipOf({ ...report(), verdict: 'pass!' }))).toThrow(/report.json does not match the report schema \(schemaVersion 1\): \$.verdict: must be one of/);
    expect(() => readBundles(zipOf({ ...report(), comment: '<b>posted as is</b>' }))).toThrow(/\$.comment: not a field of the report/);
    expect(() => readBundles(zipOf(report(), { ...pr(), number: '42' }))).toThrow(/number must be a pull request number/);
    expect(() => readBundles(zipOf(report(), { ...pr(), headSha: 'main' }))).toThrow(/headSha must be a commit id/);
    expect(() => readBundles(zipOf(report(), { ...pr(), markdown: 'x' }))).toThrow(/"markdown" is not a field of pull-request.json/);
    // Review item 1: a bundle's runUrl (older bundles wrote one) is read and dropped: the link comes from the event.
    const [old] = readBundles(zipOf(report(), { ...pr(), runUrl: 'https://evil.example/login?next=github.com' }));
    expect(old!.pullRequest).toEqual(pr());
    expect(() => readBundles(makeZip({ 'report.json': '{not json', 'pull-request.json': JSON.stringify(pr()) }))).toThrow(/report.json is not UTF-8 JSON/);
  });

  test('unzipInMemory holds the bytes and writes nothing', () => {
    const files = unzipInMemory(makeZip({ 'x/report.json': 'abc' }));
    expect([...files.keys()]).toEqual(['x/report.json']);
    expect(files.get('x/report.json')!.toString()).toBe('abc');
  });
});

describe('checkBundlePullRequest', () => {
  const FORK = 'fork-user/model-repo';
  const run = (over: Partial<TriggeringRun> = {}): TriggeringRun => ({ id: 7, event: 'pull_request', headSha: SHA, headRepository: FORK, headBranch: 'better-model', pullRequests: [], ...over });
  const pull = (over: Partial<LookedUpPullRequest> = {}) => async (): Promise<LookedUpPullRequest> => ({ headSha: SHA, baseRepo: 'octo-org/model-repo', headRepo: FORK, headRef: 'better-model', ...over });
  const commits = (...shas: string[]) => async (_n: number, sha: string): Promise<boolean> => shas.includes(sha);
  const noCommits = async (): Promise<never> => {
    throw new Error('no commit list expected');
  };

  test('accepts a pull request the run lists, or a fork pull request whose head is the run\'s commit, branch and repository', async () => {
    const same = run({ headRepository: 'octo-org/model-repo', pullRequests: [{ number: 42, headSha: SHA }] });
    await expect(checkBundlePullRequest(pr(), same, 'octo-org/model-repo', pull({ headRepo: 'octo-org/model-repo' }), noCommits)).resolves.toBe('current');
    await expect(checkBundlePullRequest(pr(), run(), 'Octo-Org/Model-Repo', pull({ headRepo: 'Fork-User/Model-Repo' }), noCommits)).resolves.toBe('current');
  });

  test('refuses the wrong pull request, head commit or repository', async () => {
    await expect(checkBundlePullRequest(pr({ number: 7 }), run({ pullRequests: [{ number: 42, headSha: SHA }] }), 'octo-org/model-repo', pull(), noCommits)).rejects.toThrow(
      'the artifact names pull request #7, but the triggering run belongs to #42',
    );
    await expect(checkBundlePullRequest(pr({ number: 7 }), run(), 'octo-org/model-repo', pull({ headSha: 'c'.repeat(40) }), commits())).rejects.toThrow(
      /its head is cccccccccccc, and the triggering run's commit 6dcb09b5b578 is not one of its commits/,
    );
    await expect(checkBundlePullRequest(pr({ headSha: 'd'.repeat(40) }), run(), 'octo-org/model-repo', pull(), noCommits)).rejects.toThrow(/at commit dddddddddddd where the triggering run ran on 6dcb09b5b578/);
    await expect(checkBundlePullRequest(pr({ repository: 'evil/model-repo' }), run(), 'octo-org/model-repo', pull(), noCommits)).rejects.toThrow(/for repository "evil\/model-repo", not octo-org\/model-repo/);
    await expect(checkBundlePullRequest(pr(), run(), 'octo-org/model-repo', pull({ baseRepo: 'evil/model-repo' }), noCommits)).rejects.toThrow(/that pull request is into "evil\/model-repo"/);
  });

  // Review item 3: a fork's run at commit X (a maintainer's commit, pulled into the fork) names the
  // maintainer's own pull request #42, whose head is also X: same commit, but another repository or branch.
  test('refuses a pull request whose head repository or branch is not the triggering run\'s, linked or not', async () => {
    const maintainers = pull({ headRepo: 'octo-org/model-repo', headRef: 'feature' });
    await expect(checkBundlePullRequest(pr(), run(), 'octo-org/model-repo', maintainers, noCommits)).rejects.toThrow(
      'the artifact names pull request #42, but that pull request is from "octo-org/model-repo:feature", where the triggering run ran on "fork-user/model-repo:better-model"',
    );
    await expect(checkBundlePullRequest(pr(), run({ headBranch: 'feature' }), 'octo-org/model-repo', maintainers, noCommits)).rejects.toThrow(/is from "octo-org\/model-repo:feature"/);
    await expect(checkBundlePullRequest(pr(), run({ headRepository: 'octo-org/model-repo' }), 'octo-org/model-repo', maintainers, noCommits)).rejects.toThrow(/is from "octo-org\/model-repo:feature"/);
    const linked = run({ headRepository: 'octo-org/model-repo', headBranch: 'other', pullRequests: [{ number: 42, headSha: SHA }] });
    await expect(checkBundlePullRequest(pr(), linked, 'octo-org/model-repo', maintainers, noCommits)).rejects.toThrow(/is from "octo-org\/model-repo:feature", where the triggering run ran on "octo-org\/model-repo:other"/);
    await expect(checkBundlePullRequest(pr(), run(), 'octo-org/model-repo', pull({ headRepo: '' }), noCommits)).rejects.toThrow(/is from "\(deleted repository\):better-model"/);
    await expect(checkBundlePullRequest(pr(), run({ headRepository: '' }), 'octo-org/model-repo', pull(), noCommits)).rejects.toThrow(/names no head repository or branch/);
  });

  // Review item 6: a push to the pull request after the run: its head moved on; the run's commit is an earlier one.
  test('a pull request that has moved on past the run\'s commit is superseded, not refused', async () => {
    const NEWER = 'e'.repeat(40);
    await expect(checkBundlePullRequest(pr(), run(), 'octo-org/model-repo', pull({ headSha: NEWER }), commits(SHA, NEWER))).resolves.toBe('superseded');
    await expect(checkBundlePullRequest(pr(), run(), 'octo-org/model-repo', pull({ headSha: NEWER }), commits(NEWER))).rejects.toThrow(/is not one of its commits/);
  });
});

describe('the bundle folder and the slim report', () => {
  test('a comment key starting with a dot gives no hidden folder (upload-artifact leaves those out)', () => {
    expect(bundleFolderName('.hidden')).toMatch(/^key\.hidden-[0-9a-f]{10}$/);
    expect(bundleFolderName('..')).toMatch(/^key\.\.-[0-9a-f]{10}$/);
    expect(bundleFolderName('default')).toMatch(/^default-[0-9a-f]{10}$/);
    expect(bundleFolderName('.a')).not.toBe(bundleFolderName('key.a'));
  });

  test('keeps what publishing reads, drops the per-class sections, and the schema accepts it', () => {
    for (const file of goldenReports) {
      const full = load(file) as unknown as JsonReport;
      const slim = slimReport(full);
      expect(validateReport(JSON.parse(JSON.stringify(slim)))).toEqual([]);
      expect(renderFromJson(slim, { version: '1', runUrl: 'https://github.com/o/r/actions/runs/1' })).toBe(renderFromJson(full, { version: '1', runUrl: 'https://github.com/o/r/actions/runs/1' }));
      for (const m of slim.models) expect(Object.keys(m).sort()).toEqual(['backend', 'engine', 'files', 'metrics', 'name', 'path', 'role']);
    }
  });

  // Review item 5: three models of a 1000-class classifier, each with its confusion matrix and per-label rows.
  test('a 1000-class report fits the artifact cap once slimmed and compact', () => {
    const r = report();
    const labels = Array.from({ length: 1000 }, (_, i) => `class_${i}`);
    const counts = labels.map((_, i) => labels.map((_, j) => (i === j ? 100 : (i * 7 + j) % 3)));
    r.models = [0, 1, 2].map((i) => ({
      ...r.models[0]!,
      name: `m${i}`,
      confusionMatrix: { labels, counts },
      perLabel: labels.map((label) => ({ label, precision: 0.5, recall: 0.5, f1: 0.5, roc_auc: 0.5, support: 100 })),
    }));
    expect(Buffer.byteLength(JSON.stringify(r, null, 2))).toBeGreaterThan(BUNDLE_LIMITS.maxUnpackedBytes);
    expect(Buffer.byteLength(JSON.stringify(slimReport(r)))).toBeLessThan(100_000);
  });
});

describe('renderFromJson', () => {
  test('has the verdict line, the primary metrics, the failed gates and the changelog entry', () => {
    const md = renderFromJson(report(), { marker: '<!-- m -->', version: '1.2.3', runUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(md.startsWith('<!-- m -->\n\n## ')).toBe(true);
    expect(md).toMatch(/model-gate: (pass|warn|fail)/);
    expect(md).toContain('| Metric | candidate |');
    expect(md).toContain('<summary>Changelog entry</summary>');
    expect(md).toContain("[the pull request's workflow run](https://github.com/o/r/actions/runs/1)");
  });

  test('escapes every string of the untrusted report: markdown, HTML, mentions, links and workflow commands', () => {
    const evil = '<img src=x onerror=alert(1)> **bold** [link](https://evil.example) @octocat #1 |pipe|\n::set-output name=x::y';
    const r = report();
    const candidate = r.models.find((m) => m.role === 'candidate')!;
    const metric = Object.keys(candidate.metrics)[0]!;
    candidate.metrics[evil] = candidate.metrics[metric]!;
    r.checks.push({ metric: evil, value: 1, max: 0, status: 'fail' });
    r.findings.push({ kind: 'threshold', severity: 'error', message: evil });
    r.models.push({ ...candidate, name: evil, role: 'baseline' });
    r.task = `binary ${evil}`;
    r.changelog = `## Changed\n${evil}\n\`\`\`\n</details><script>x</script>`;
    expect(validateReport(r)).toEqual([]);
    const full = renderFromJson(r, { version: '1', title: evil });
    // Outside the changelog's fence (checked below) no string may act as markdown or HTML.
    const md = full.replace(/````markdown\n[\s\S]*?\n````/, '');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('**bold**');
    expect(md).not.toContain('[link](');
    expect(md).not.toContain('@octocat');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\* \\[link\\](https:&#47;&#47;evil.example) &#64;octocat \\#1 \\|pipe\\|');
    // The changelog sits in a fence longer than any backtick run inside it: </details> and <script> stay text.
    expect(full).toContain('````markdown\n## Changed');
    expect(full.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
  });
});
