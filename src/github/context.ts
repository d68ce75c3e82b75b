// What the workflow run is about, read from the environment GitHub Actions sets up.
import { readFileSync } from 'node:fs';
import { GitHubError, messageOf } from '../errors.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef {
  number: number;
  /** Commit the pull request's head points at (what actions/checkout checks out is a merge of it). */
  headSha: string;
  /** The head branch lives in another repository: GITHUB_TOKEN is then read-only and secrets are absent. */
  fromFork: boolean;
}

export interface EventContext {
  eventName: string;
  repo?: RepoRef;
  /** Set for pull_request and pull_request_target events. */
  pullRequest?: PullRequestRef;
  /**
   * The issue or pull request number a comment belongs on: the pull request's number, or, for an
   * issue_comment event on a pull request, that pull request's number (its head is not in that payload).
   */
  issueNumber?: number;
  runUrl?: string;
  serverUrl: string;
  apiUrl: string;
  /**
   * A tag push (GITHUB_REF refs/tags/…) or a `release` event (the payload's release.tag_name): the tag,
   * and the version it names when it reads as one (v1.2.3 and 1.2.3 → 1.2.3), which titles the changelog entry.
   */
  tag?: TagRef;
  /** A `release` event: the release exists already when the step runs, so failing the step cannot stop it. */
  release?: ReleaseEventRef;
}

export interface TagRef {
  /** The tag's name as pushed: untrusted text, show it with quote(). */
  name: string;
  /** `1.2.3` for `v1.2.3` or `1.2.3` (pre-release and build suffixes kept); undefined for other tag names. */
  version?: string;
}

export interface ReleaseEventRef {
  /** The payload's action: published, created, released, prereleased, edited, … ('' when absent). */
  action: string;
  draft: boolean;
  prerelease: boolean;
  /** The release's page, when the payload gives an http(s) link. */
  htmlUrl?: string;
}

type Env = Record<string, string | undefined>;

export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target'];

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function parseRepo(fullName: string | undefined): RepoRef | undefined {
  if (!fullName) return undefined;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName.trim());
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

function repoFullName(repo: unknown): string | undefined {
  return str(record(repo)?.full_name);
}

function pullRequestFrom(payload: Record<string, unknown>): PullRequestRef | undefined {
  const pr = record(payload.pull_request);
  if (!pr) return undefined;
  const number = positiveInt(pr.number) ?? positiveInt(payload.number);
  const head = record(pr.head);
  const headSha = str(head?.sha);
  if (number === undefined || headSha === undefined) return undefined;
  const headRepo = repoFullName(head?.repo);
  const baseRepo = repoFullName(record(pr.base)?.repo) ?? repoFullName(payload.repository);
  // A head repository that has been deleted comes as null: treat it as a fork (it is not the base).
  const fromFork = headRepo === undefined || baseRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase();
  return { number, headSha, fromFork };
}

const TAG_PREFIX = 'refs/tags/';

/** A version-like tag: `v1.2.3`, `1.2.3`, `v2.0`, `1.2.3-rc.1+build.5` → the version without the `v`. */
export function versionOfTag(tag: string): string | undefined {
  const match = /^v?(\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tag);
  return match ? match[1] : undefined;
}

function tagRef(name: string | undefined): TagRef | undefined {
  if (name === undefined) return undefined;
  const version = versionOfTag(name);
  return version !== undefined ? { name, version } : { name };
}

/** The pure part of readEventContext: the environment variables and the parsed event payload. */
export function eventContextFrom(env: Env, payload: unknown): EventContext {
  const body = record(payload) ?? {};
  const eventName = str(env.GITHUB_EVENT_NAME) ?? '';
  const serverUrl = trimSlash(str(env.GITHUB_SERVER_URL) ?? 'https://github.com');
  const apiUrl = trimSlash(str(env.GITHUB_API_URL) ?? 'https://api.github.com');
  const context: EventContext = { eventName, serverUrl, apiUrl };

  const repo = parseRepo(str(env.GITHUB_REPOSITORY)) ?? parseRepo(repoFullName(body.repository));
  if (repo) context.repo = repo;

  if (PULL_REQUEST_EVENTS.includes(eventName)) {
    const pullRequest = pullRequestFrom(body);
    if (pullRequest) {
      context.pullRequest = pullRequest;
      context.issueNumber = pullRequest.number;
    }
  } else if (eventName === 'issue_comment') {
    const issue = record(body.issue);
    const number = positiveInt(issue?.number);
    if (issue && issue.pull_request && number !== undefined) context.issueNumber = number;
  }

  if (eventName === 'release') {
    const release = record(body.release);
    const htmlUrl = str(release?.html_url);
    context.release = {
      action: str(body.action) ?? '',
      draft: release?.draft === true,
      prerelease: release?.prerelease === true,
      ...(htmlUrl !== undefined && /^https?:\/\/[^\s()<>[\]]+$/.test(htmlUrl) ? { htmlUrl } : {})
    };
  }
  const ref = str(env.GITHUB_REF);
  const tag =
    tagRef(eventName === 'release' ? str(record(body.release)?.tag_name) : undefined) ??
    tagRef(ref?.startsWith(TAG_PREFIX) ? str(ref.slice(TAG_PREFIX.length)) : undefined);
  if (tag) context.tag = tag;

  const runId = str(env.GITHUB_RUN_ID);
  if (repo && runId) {
    const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
    context.runUrl =
      `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}` +
      (Number.isInteger(attempt) && attempt > 1 ? `/attempts/${attempt}` : '');
  }
  return context;
}

/** Read GITHUB_EVENT_PATH (when set) and build the context; outside Actions the payload is empty. */
export function readEventContext(env: Env = process.env): EventContext {
  const eventPath = str(env.GITHUB_EVENT_PATH);
  let payload: unknown = {};
  if (eventPath) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (error) {
      throw new GitHubError(`GITHUB_EVENT_PATH points at ${eventPath}, which cannot be read as JSON: ${messageOf(error)}`);
    }
  }
  return eventContextFrom(env, payload);
}
