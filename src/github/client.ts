// The REST client publishing uses: octokit with GitHub's own retry and rate-limit plugins, and a time
// limit of its own on every request (the HTTP client's default is about 300 s).
import { getOctokit } from '@actions/github';
import type { OctokitPlugin } from '@octokit/core/types';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import Bottleneck from 'bottleneck/light.js';
import { pathOf } from './http-error.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  /** Longest wait for one request, answer included, in ms (default 30 000). */
  timeoutMs?: number;
  /** Retries of one request after its first try (default 3). */
  retries?: number;
  /** Longest rate-limit wait (Retry-After, x-ratelimit-reset) worth sitting out, in seconds (default 60). */
  maxRateLimitWaitS?: number;
  /** How long one second of any wait lasts, in ms (default 1000; tests shrink it). */
  secondMs?: number;
  /** Told about each rate-limit wait, e.g. core.info. */
  log?: (message: string) => void;
}

export const CLIENT_DEFAULTS = { timeoutMs: 30_000, retries: 3, maxRateLimitWaitS: 60, secondMs: 1000 } as const;

/** Errors the retry plugin passes on without a retry; rate limits (403, 429) are the throttling plugin's. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/**
 * The innermost hook: aborts a request that has no complete answer after `ms`, and turns an answer
 * whose JSON body was cut off (a connection reset mid-body) into an error. Both come out as a
 * status-500 RequestError without a response, which the retry plugin retries like a network error.
 */
function withTimeout(ms: number): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const signal = AbortSignal.timeout(ms);
      const fail = (message: string): RequestError => new RequestError(message, 500, { request: options as never });
      // The hooks inside this one were bound to this options object: change it, do not pass a copy.
      options.request = { ...options.request, signal };
      let response;
      try {
        response = await request(options);
      } catch (error) {
        if (signal.aborted) throw fail(`timed out: no answer within ${ms / 1000} s`);
        throw error;
      }
      // octokit reads the body after the headers, and hands over a JSON body that broke off as the text it got.
      if (/json/.test(String(response.headers['content-type'])) && typeof response.data === 'string') {
        throw fail(signal.aborted ? `timed out: the answer did not finish within ${ms / 1000} s` : 'the answer broke off before its end');
      }
      return response;
    });
    return {};
  };
}

/** An octokit for `baseUrl` that retries 5xx and network errors, sits out rate limits, and times out. */
export function createClient(token: string, baseUrl: string, options: ClientOptions = {}): GitHubClient {
  const timeoutMs = options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
  const retries = options.retries ?? CLIENT_DEFAULTS.retries;
  const maxRateLimitWaitS = options.maxRateLimitWaitS ?? CLIENT_DEFAULTS.maxRateLimitWaitS;
  const secondMs = options.secondMs ?? CLIENT_DEFAULTS.secondMs;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const what = `GitHub's ${kind} on ${request.method} ${pathOf(request.url)}`;
      if (retryCount >= retries || retryAfter > maxRateLimitWaitS) {
        options.log?.(`${what}: not waiting ${retryAfter} s (${retryCount >= retries ? 'no retries left' : `over ${maxRateLimitWaitS} s`}).`);
        return false;
      }
      options.log?.(`${what}: retry ${retryCount + 1} of ${retries} in ${retryAfter} s.`);
      return true;
    };
  return getOctokit(
    token,
    {
      baseUrl,
      retry: { retries, retryAfterBaseValue: secondMs, doNotRetry: DO_NOT_RETRY },
      throttle: {
        retryAfterBaseValue: secondMs,
        // GitHub asks for a second between writes; the plugin's own groups are shared process-wide.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: secondMs }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * secondMs }),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit')
      }
    },
    // The first plugin's hook is the innermost: the time limit applies to each try, not to all of them.
    withTimeout(timeoutMs),
    retry,
    throttling
  );
}
