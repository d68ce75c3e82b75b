import { GitHubError } from '../errors.js';

/**
 * A GitHub REST call that failed. The message names the HTTP method, the request path, the status
 * and GitHub's own message; it never contains the token (octokit sends it in a header, which is
 * not part of anything quoted here).
 */
export class GitHubHttpError extends GitHubError {
  constructor(
    /** HTTP method, upper case. */
    readonly method: string,
    /** The route template, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`. */
    readonly route: string,
    /** The concrete path (and query) that was requested. */
    readonly path: string,
    /** HTTP status, or undefined when no response came back (network failure). */
    readonly status: number | undefined,
    /** GitHub's `message` field, or the network error's message. */
    readonly githubMessage: string,
    readonly documentationUrl?: string
  ) {
    super(
      status === undefined
        ? `GitHub API request ${method} ${path} could not be completed: ${githubMessage}`
        : `GitHub API request ${method} ${path} failed with HTTP ${status}: ${githubMessage || '(no message)'}` +
            (documentationUrl ? ` (see ${documentationUrl})` : '')
    );
  }
}

interface OctokitLikeError {
  status?: unknown;
  message?: unknown;
  request?: { method?: unknown; url?: unknown };
  response?: { status?: unknown; data?: unknown };
}

/** Pathname and query of an absolute URL; the input itself when it does not parse. */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/**
 * Turn whatever octokit threw into a GitHubHttpError. `route` is the template of the call being
 * made ("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); `fallbackPath` the concrete
 * path, used when the error does not carry the request URL.
 */
export function toGitHubHttpError(error: unknown, route: string, fallbackPath: string): GitHubHttpError {
  if (error instanceof GitHubHttpError) return error;
  const [routeMethod] = route.split(' ');
  const e = (typeof error === 'object' && error !== null ? error : {}) as OctokitLikeError;
  const method = typeof e.request?.method === 'string' ? e.request.method.toUpperCase() : (routeMethod ?? 'GET');
  const path = typeof e.request?.url === 'string' ? pathOf(e.request.url) : fallbackPath;
  if (e.response && typeof e.response.status === 'number') {
    const data = e.response.data;
    let message = '';
    let documentationUrl: string | undefined;
    if (typeof data === 'object' && data !== null) {
      const d = data as { message?: unknown; documentation_url?: unknown; errors?: unknown };
      if (typeof d.message === 'string') message = d.message;
      if (typeof d.documentation_url === 'string') documentationUrl = d.documentation_url;
      if (Array.isArray(d.errors) && d.errors.length > 0) {
        const details = d.errors
          .map((item) => (typeof item === 'string' ? item : typeof item?.message === 'string' ? item.message : JSON.stringify(item)))
          .join('; ');
        message = message ? `${message}: ${details}` : details;
      }
    } else if (typeof data === 'string') {
      message = data.slice(0, 300);
    }
    return new GitHubHttpError(method, route, path, e.response.status, message, documentationUrl);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GitHubHttpError(method, route, path, undefined, message);
}

/** Runs one API call; whatever it throws comes out as a GitHubHttpError naming the route and path. */
export async function githubCall<T>(route: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGitHubHttpError(error, route, path);
  }
}

/** The request may have been carried out although no answer said so (a reset, a timeout, a 5xx). */
export function answerLost(error: unknown): boolean {
  return error instanceof GitHubHttpError && (error.status === undefined || error.status >= 500);
}
