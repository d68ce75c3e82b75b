// The monitoring issue: one per comment-key, found by a hidden marker as its body's first line and by the
// account the token writes as (as the sticky comment is), never by its labels (people change those). Listing,
// creating, editing and commenting.

import type { GitHubClient } from './client.js';
import { answerLost, githubCall } from './http-error.js';
import { sanitizeMarkerKey } from './marker.js';

const ROUTES = {
  list: 'GET /repos/{owner}/{repo}/issues',
  create: 'POST /repos/{owner}/{repo}/issues',
  update: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  comment: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
} as const;

/** Pages of closed issues looked through for the one to reopen (100 each, most recently updated first). */
const CLOSED_PAGES = 3;
/** Pages of open issues looked through (by the token's user when it is a user; every open issue for an app). */
const OPEN_PAGES = 10;


const enc = encodeURIComponent;

/** `<!-- model-gate:monitor key=KEY -->`: the first line of the monitoring issue's body. */
export function monitorMarker(key: string): string {
  return `<!-- model-gate:monitor key=${sanitizeMarkerKey(key)} -->`;
}

/** Whether the body starts with the marker for exactly this key (only the first line counts). */
export function hasMonitorMarker(body: string | null | undefined, key: string): boolean {
  if (!body) return false;
  const marker = monitorMarker(key);
  const rest = body.trimStart();
  return rest.startsWith(marker) && (rest.length === marker.length || rest[marker.length] === '\n' || rest[marker.length] === '\r');
}

export interface MonitorIssue {
  number: number;
  state: 'open' | 'closed';
  /** Why it was closed: a person closing it as not planned mutes the monitoring (null while open, or unknown). */
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  body: string;
  url: string;
}

export interface IssueRef {
  owner: string;
  repo: string;
}

export interface FindIssueOptions extends IssueRef {
  key: string;
  /** The login the token writes as; undefined: only a bot's (`…[bot]`) issue is taken for ours. */
  author?: string;
}

interface ListedIssue {
  number: number;
  state: string;
  state_reason?: string | null;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
  user: { login: string; type?: string } | null;
}

/**
 * The monitoring issue for this key: the oldest open one, else the most recently updated closed one (its
 * history goes on when it is reopened); undefined when there is none.
 */
export async function findMonitorIssue(octokit: GitHubClient, o: FindIssueOptions): Promise<MonitorIssue | undefined> {
  const author = o.author?.toLowerCase();
  const ours = (i: ListedIssue): boolean => {
    if (i.pull_request !== undefined && i.pull_request !== null) return false;
    if (!hasMonitorMarker(i.body, o.key)) return false;
    const login = i.user?.login.toLowerCase() ?? '';
    if (author !== undefined) return login === author;
    return i.user?.type === 'Bot' && login.endsWith('[bot]');
  };
  const toIssue = (i: ListedIssue): MonitorIssue => ({ number: i.number, state: i.state === 'open' ? 'open' : 'closed', stateReason: reasonOf(i.state_reason), body: i.body ?? '', url: i.html_url });
  const open = (await list(octokit, o, 'open', OPEN_PAGES)).filter(ours).sort((a, b) => a.number - b.number);
  if (open[0]) return toIssue(open[0]);
  const closed = (await list(octokit, o, 'closed', CLOSED_PAGES)).filter(ours);
  return closed[0] ? toIssue(closed[0]) : undefined;
}

function reasonOf(r: string | null | undefined): MonitorIssue['stateReason'] {
  return r === 'completed' || r === 'not_planned' || r === 'reopened' ? r : null;
}

async function list(octokit: GitHubClient, o: FindIssueOptions, state: 'open' | 'closed', maxPages: number): Promise<ListedIssue[]> {
  const path = `/repos/${enc(o.owner)}/${enc(o.repo)}/issues`;
  return githubCall(ROUTES.list, path, async () => {
    const out: ListedIssue[] = [];
    let pages = 0;
    const params = {
      owner: o.owner,
      repo: o.repo,
      state,
      per_page: 100,
      ...(state === 'closed' ? { sort: 'updated' as const, direction: 'desc' as const } : { sort: 'created' as const, direction: 'asc' as const }),
      // A user's login filters on the server; an app's bot login is not taken there the same way, so it is filtered here.
      ...(o.author !== undefined && !o.author.endsWith('[bot]') ? { creator: o.author } : {}),
    };
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, params)) {
      out.push(...(page.data as ListedIssue[]));
      if (++pages >= maxPages) break;
    }
    return out;
  });
}

export interface CreateIssueOptions extends IssueRef {
  title: string;
  body: string;
  labels: readonly string[];
  assignees: readonly string[];
}

export async function createIssue(octokit: GitHubClient, o: CreateIssueOptions): Promise<MonitorIssue> {
  const path = `/repos/${enc(o.owner)}/${enc(o.repo)}/issues`;
  const r = await githubCall(ROUTES.create, path, () =>
    octokit.rest.issues.create({
      owner: o.owner,
      repo: o.repo,
      title: o.title,
      body: o.body,
      ...(o.labels.length ? { labels: [...o.labels] } : {}),
      ...(o.assignees.length ? { assignees: [...o.assignees] } : {}),
      // A POST whose answer is lost may have made the issue: never repeated blindly.
      request: { retries: 0 },
    }),
  );
  return { number: r.data.number, state: 'open', stateReason: null, body: r.data.body ?? o.body, url: r.data.html_url };
}


/**
 * Opens the monitoring issue once: a POST whose answer was lost may have made it, so the issues are listed
 * again, and an open one with the marker is taken; only when none landed is the POST tried again (once).
 */
export async function openMonitorIssue(octokit: GitHubClient, o: CreateIssueOptions, find: FindIssueOptions): Promise<MonitorIssue> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await createIssue(octokit, o);
    } catch (error) {
      if (!answerLost(error) || attempt >= 1) throw error;
      const landed = await findMonitorIssue(octokit, find);
      if (landed?.state === 'open') return landed;
    }
  }
}

export interface UpdateIssueOptions extends IssueRef {
  number: number;
  body: string;
  state?: 'open' | 'closed';
  /** Replace the labels and the assignees (left as they are when not given). */
  labels?: readonly string[];
  assignees?: readonly string[];
}

export async function updateIssue(octokit: GitHubClient, o: UpdateIssueOptions): Promise<MonitorIssue> {
  const path = `/repos/${enc(o.owner)}/${enc(o.repo)}/issues/${o.number}`;
  const r = await githubCall(ROUTES.update, path, () =>
    octokit.rest.issues.update({
      owner: o.owner,
      repo: o.repo,
      issue_number: o.number,
      body: o.body,
      ...(o.state !== undefined ? { state: o.state } : {}),
      ...(o.state === 'closed' ? { state_reason: 'completed' as const } : {}),
      ...(o.labels?.length ? { labels: [...o.labels] } : {}),
      ...(o.assignees?.length ? { assignees: [...o.assignees] } : {}),
    }),
  );
  return { number: r.data.number, state: r.data.state === 'open' ? 'open' : 'closed', stateReason: reasonOf(r.data.state_reason), body: r.data.body ?? o.body, url: r.data.html_url };
}

export async function commentOnIssue(octokit: GitHubClient, o: IssueRef & { number: number; body: string }): Promise<void> {
  const path = `/repos/${enc(o.owner)}/${enc(o.repo)}/issues/${o.number}/comments`;
  await githubCall(ROUTES.comment, path, () => octokit.rest.issues.createComment({ owner: o.owner, repo: o.repo, issue_number: o.number, body: o.body, request: { retries: 0 } }));
}
