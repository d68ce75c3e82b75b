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
