// The publish bundle: what a pull request's run leaves for mode: publish (README "Pull requests from forks").
//
// Evaluate side: on a pull_request run from a fork (whose read-only token cannot comment), `publishBundle` writes <RUNNER_TEMP>/model-gate-publish/<key folder>/
// with report.json (the slim JSON report: slimReport, compact) and pull-request.json ({ number, headSha, repository, key }), and sets the
// `publish-dir` output to the parent folder, which the workflow uploads with actions/upload-artifact.
//
// Publish side: `readBundles` reads the artifact's zip in memory with data/zip.ts (nothing is extracted, no
// path from the archive is ever used as a path), caps every size, and checks each report against the schema;
// `checkBundlePullRequest` decides whether a bundle belongs to the triggering run's pull request.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { centralDirectory, dataOffset, endOfDirectory, zip64EndOfDirectory } from '../data/zip.js';
import { GateError } from '../errors.js';
import type { JsonReport } from '../report/json.js';
import { validateReport } from '../report/report-schema.js';
import { quote } from '../untrusted.js';
import type { Publisher } from './publisher.js';

export const BUNDLE_FOLDER = 'model-gate-publish';
export const REPORT_FILE = 'report.json';
export const PULL_REQUEST_FILE = 'pull-request.json';

/** Caps on an artifact: its zip, the bytes it unpacks to, and how many entries it may hold. */
export interface BundleLimits {
  maxZipBytes: number;
  maxUnpackedBytes: number;
  maxEntries: number;
}
export const BUNDLE_LIMITS: BundleLimits = { maxZipBytes: 10 * 1024 * 1024, maxUnpackedBytes: 10 * 1024 * 1024, maxEntries: 64 };

/** What pull-request.json holds. */
export interface BundlePullRequest {
  schemaVersion: 1;
  number: number;
  headSha: string;
  /** owner/repo the pull request is into (the base). */
  repository: string;
  /** The comment key: names the comment and the check run. */
  key: string;
}

export interface Bundle {
  /** The folder in the archive (for messages only). */
  folder: string;
  pullRequest: BundlePullRequest;
  report: JsonReport;
}

/** An artifact that is not a valid bundle, or not this pull request's: refused, and nothing is posted. */
export class BundleError extends GateError {
  override name = 'BundleError';
}

/**
 * The bundle's folder name for a comment key: readable, and distinct for distinct keys. Never starts with a
 * dot: actions/upload-artifact@v4 leaves hidden files and folders out.
 */
export function bundleFolderName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'default';
  return `${readable.startsWith('.') ? 'key' : ''}${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/**
 * The report as the bundle carries it: only what mode: publish reads (renderFromJson, the check run's title
 * and annotations) and what the schema requires. The per-class sections (confusion matrix, per-label
 * metrics, reliability bins), facts, performance, slices, drift and the like stay in the pull request
 * run's own job summary and report-json, so that a model with many classes fits the artifact's size cap.
 */
export function slimReport(r: JsonReport): JsonReport {
  return {
    schemaVersion: r.schemaVersion,
    tool: r.tool,
    verdict: r.verdict,
    task: r.task,
    data: r.data,
    models: r.models.map((m) => ({ name: m.name, role: m.role, engine: m.engine, backend: m.backend, path: m.path, files: m.files, metrics: m.metrics })),
    comparisons: r.comparisons,
    checks: r.checks,
    findings: r.findings,
    changelog: r.changelog,
  };
}

/** Where bundles go: the runner's temporary folder, which the job cleans up. */
export function bundleRoot(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), BUNDLE_FOLDER);
}

/** Evaluate side, on pull_request runs from forks (publish/index.ts chooses it): writes the bundle and sets the publish-dir output. */
export const publishBundle: Publisher = {
  name: 'publish-bundle',
  action: 'write the publish bundle',
  async publish({ event, report, key, out }) {
    if (!event?.repo || !event.pullRequest) return { status: 'skipped', detail: 'not a pull request' };
    const root = bundleRoot();
    const dir = path.join(root, bundleFolderName(key));
    await mkdir(dir, { recursive: true });
    const pr: BundlePullRequest = {
      schemaVersion: 1,
      number: event.pullRequest.number,
      headSha: event.pullRequest.headSha,
      repository: `${event.repo.owner}/${event.repo.repo}`,
      key,
    };
    // Compact: a report of a model with many classes stays well under the 10 MB cap (BUNDLE_LIMITS).
    await writeFile(path.join(dir, REPORT_FILE), out.clean(JSON.stringify(slimReport(report.json))) + '\n');
    await writeFile(path.join(dir, PULL_REQUEST_FILE), out.clean(JSON.stringify(pr, null, 2)) + '\n');
    out.setOutput('publish-dir', root);
    out.log.info(`Publish bundle written to ${dir} (output publish-dir): a fork's token cannot comment, so upload it with actions/upload-artifact and publish it from a workflow_run workflow with mode: publish (README: "Pull requests from forks").`);
    return { status: 'done', detail: dir };
  },
};

// ---- publish side -----------------------------------------------------------------------------

/** Every file of a zip archive held in memory, by name, within the limits; CRC-checked. */
export function unzipInMemory(bytes: Uint8Array, limits: BundleLimits = BUNDLE_LIMITS): Map<string, Buffer> {
  if (bytes.length > limits.maxZipBytes) throw new BundleError(`the artifact is ${bytes.length} bytes, more than the ${limits.maxZipBytes} allowed`);
  let entries;
  try {
    const tailStart = Math.max(0, bytes.length - (22 + 0xffff + 20));
    const eocd = endOfDirectory(bytes.subarray(tailStart));
    const dir = eocd.zip64At !== undefined ? zip64EndOfDirectory(bytes.subarray(eocd.zip64At, eocd.zip64At + 56)) : eocd;
    if (dir.entries > limits.maxEntries) throw new Error(`holds ${dir.entries} entries, more than the ${limits.maxEntries} allowed`);
    if (dir.offset + dir.size > bytes.length) throw new Error('has a central directory past its end');
    entries = centralDirectory(bytes.subarray(dir.offset, dir.offset + dir.size), dir.entries);
  } catch (e) {
    throw new BundleError(`the artifact is not a readable zip archive: it ${e instanceof Error ? e.message.replace(/^is /, 'is ') : String(e)}`);
  }
  const files = new Map<string, Buffer>();
  let unpacked = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const what = `the artifact's entry ${quote(entry.name)}`;
    if (entry.encrypted) throw new BundleError(`${what} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new BundleError(`${what} uses compression method ${entry.method} (only stored and deflated are read)`);
    unpacked += entry.size;
    if (unpacked > limits.maxUnpackedBytes) throw new BundleError(`the artifact unpacks to more than the ${limits.maxUnpackedBytes} bytes allowed`);
    if (files.has(entry.name)) throw new BundleError(`${what} appears twice`);
    let data: Buffer;
    try {
      const start = dataOffset(bytes.subarray(entry.localOffset, entry.localOffset + 30), entry);
      if (start + entry.compressedSize > bytes.length) throw new Error('runs past the end of the archive');
      const raw = bytes.subarray(start, start + entry.compressedSize);
      data = entry.method === 0 ? Buffer.from(raw) : inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (e) {
      throw new BundleError(`${what} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (data.length !== entry.size) throw new BundleError(`${what} unpacks to ${data.length} bytes where the archive says ${entry.size}`);
    if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new BundleError(`${what} is damaged (its CRC-32 does not match)`);
    files.set(entry.name, data);
  }
  return files;
}

const ENTRY = /^(?:([A-Za-z0-9._-]{1,100})\/)?(report\.json|pull-request\.json)$/;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new BundleError(`${what} is not UTF-8 JSON`);
  }
}

/** pull-request.json checked field by field. */
export function parseBundlePullRequest(value: unknown, what: string): BundlePullRequest {
  const v = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const bad = (field: string, wanted: string): never => {
    throw new BundleError(`${what}: ${field} must be ${wanted}`);
  };
  if (v.schemaVersion !== 1) bad('schemaVersion', '1');
  if (typeof v.number !== 'number' || !Number.isInteger(v.number) || v.number < 1) bad('number', 'a pull request number');
  if (typeof v.headSha !== 'string' || !SHA.test(v.headSha)) bad('headSha', 'a commit id (40 hex digits)');
  if (typeof v.repository !== 'string' || !REPO.test(v.repository)) bad('repository', '"owner/repo"');
  if (typeof v.key !== 'string' || v.key === '' || v.key.length > 200 || /[\u0000-\u001f\u007f]/.test(v.key)) bad('key', 'a comment key of at most 200 characters on one line');
  // runUrl: written by model-gate before it linked the run from the workflow_run event; read and ignored.
  if (v.runUrl !== undefined && typeof v.runUrl !== 'string') bad('runUrl', 'a string (it is ignored)');
  const extra = Object.keys(v).filter((k) => !['schemaVersion', 'number', 'headSha', 'repository', 'key', 'runUrl'].includes(k));
  if (extra.length > 0) throw new BundleError(`${what}: ${quote(extra[0])} is not a field of pull-request.json`);
  return {
    schemaVersion: 1,
    number: v.number as number,
    headSha: v.headSha as string,
    repository: v.repository as string,
    key: v.key as string,
  };
}

/** The bundles in an artifact's zip: each folder's report.json and pull-request.json, validated. */
export function readBundles(zip: Uint8Array, limits: BundleLimits = BUNDLE_LIMITS): Bundle[] {
  const files = unzipInMemory(zip, limits);
  const folders = new Map<string, { report?: Buffer; pr?: Buffer }>();
  for (const [name, data] of files) {
    const m = ENTRY.exec(name);
    if (!m) throw new BundleError(`the artifact holds ${quote(name)}, which is not part of a publish bundle (only [folder/]report.json and [folder/]pull-request.json are)`);
    const folder = m[1] ?? '';
    const slot = folders.get(folder) ?? {};
    if (m[2] === REPORT_FILE) slot.report = data;
    else slot.pr = data;
    folders.set(folder, slot);
  }
  if (folders.size === 0) throw new BundleError('the artifact holds no publish bundle (no report.json)');
  const bundles: Bundle[] = [];
  const keys = new Set<string>();
  for (const [folder, slot] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const where = folder === '' ? 'the bundle' : `bundle ${quote(folder)}`;
    if (!slot.report || !slot.pr) throw new BundleError(`${where} lacks ${slot.report ? PULL_REQUEST_FILE : REPORT_FILE}`);
    const pullRequest = parseBundlePullRequest(parseJson(slot.pr, `${where}'s ${PULL_REQUEST_FILE}`), `${where}'s ${PULL_REQUEST_FILE}`);
    const report = parseJson(slot.report, `${where}'s ${REPORT_FILE}`);
    const problems = validateReport(report);
    if (problems.length > 0) throw new BundleError(`${where}'s ${REPORT_FILE} does not match the report schema (schemaVersion 1): ${problems.join('; ')}`);
    if (keys.has(pullRequest.key)) throw new BundleError(`two bundles have the comment key ${quote(pullRequest.key)}`);
    keys.add(pullRequest.key);
    bundles.push({ folder, pullRequest, report: report as JsonReport });
  }
  return bundles;
}

/** What the triggering workflow_run says about itself (from the event payload, which GitHub writes). */
export interface TriggeringRun {
  id: number;
  /** The event that started it: pull_request for the runs this publishes. */
  event: string;
  headSha: string;
  /** owner/repo the run's head commit came from (workflow_run.head_repository.full_name): a fork's for a fork. */
  headRepository: string;
  /** The branch the run ran on (workflow_run.head_branch). */
  headBranch: string;
  /** The run's page (workflow_run.html_url), linked from the comment; undefined when the payload lacks it. */
  htmlUrl?: string;
  /** Pull requests GitHub links to the run: empty for a pull request from a fork. */
  pullRequests: { number: number; headSha: string }[];
}

/** A pull request as GET /repos/{owner}/{repo}/pulls/{number} gives it. */
export interface LookedUpPullRequest {
  headSha: string;
  baseRepo: string;
  headRepo: string;
  headRef: string;
}

/**
 * `current`: the bundle's pull request has the run's commit as its head, so the comment and check run are due.
 * `superseded`: the run's commit is an earlier commit of that pull request, which has moved on since (a push
 * after the run): its comment would show an old result, so it is skipped, with a notice.
 */
export type BundleMatch = 'current' | 'superseded';

/**
 * Whether a bundle belongs to the triggering run: its repository is this one, its head commit is the run's,
 * its number is one of the run's pull requests (or, for a fork, whose run lists none, any number), and the
 * pull request GitHub reports under that number (`lookUp`: GET /repos/{owner}/{repo}/pulls/{number}) is into
 * this repository from the run's head repository and branch, with the run's commit as its head, or as one
 * of its commits (`hasCommit`: GET /pulls/{number}/commits) when it has moved on. Throws a BundleError on a
 * mismatch.
 */
export async function checkBundlePullRequest(
  pr: BundlePullRequest,
  run: TriggeringRun,
  repository: string,
  lookUp: (n: number) => Promise<LookedUpPullRequest>,
  hasCommit: (n: number, sha: string) => Promise<boolean>,
): Promise<BundleMatch> {
  const refuse = (why: string): never => {
    throw new BundleError(`the artifact names pull request #${pr.number}, but ${why}`);
  };
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  if (!same(pr.repository, repository)) refuse(`for repository ${quote(pr.repository)}, not ${repository}`);
  if (pr.headSha !== run.headSha) refuse(`at commit ${pr.headSha.slice(0, 12)} where the triggering run ran on ${run.headSha.slice(0, 12)}`);
  if (run.pullRequests.length > 0 && !run.pullRequests.some((p) => p.number === pr.number)) {
    refuse(`the triggering run belongs to ${run.pullRequests.map((p) => `#${p.number}`).join(', ')}`);
  }
  if (run.headRepository === '' || run.headBranch === '') refuse('the workflow_run event names no head repository or branch to match it against');
  const actual = await lookUp(pr.number);
  if (!same(actual.baseRepo, repository)) refuse(`that pull request is into ${quote(actual.baseRepo)}, not ${repository}`);
  if (!same(actual.headRepo, run.headRepository) || actual.headRef !== run.headBranch) {
    refuse(`that pull request is from ${quote(`${actual.headRepo || '(deleted repository)'}:${actual.headRef}`)}, where the triggering run ran on ${quote(`${run.headRepository}:${run.headBranch}`)}`);
  }
  if (actual.headSha === run.headSha) return 'current';
  if (await hasCommit(pr.number, run.headSha)) return 'superseded';
  return refuse(`its head is ${actual.headSha.slice(0, 12)}, and the triggering run's commit ${run.headSha.slice(0, 12)} is not one of its commits`);
}
