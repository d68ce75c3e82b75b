// Runs git without a shell, with an allow-listed environment, a time limit and settings that keep the
// repository's own code out: no hooks, no fsmonitor, no replace objects, no submodules, no prompts.
// Revisions come from pull requests, so every caller puts `--end-of-options` before them as well.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { shorten } from '../untrusted.js';

/** Each git call stops after this long unless told otherwise (a fetch of a large model can take a while). */
export const DEFAULT_GIT_TIMEOUT_SECONDS = 300;
/** Bytes of stdout kept in memory when it is not written to a file; more is an error (no call here needs more). */
const STDOUT_LIMIT = 64 * 1024 * 1024;
/** Bytes of stderr kept (its end), for messages. */
const STDERR_LIMIT = 16 * 1024;

/** Variables git and git-lfs need when model-gate has them: programs, locale, config, proxies, certificates, ssh. */
export const GIT_ENV_NAMES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME',
  'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM', 'GIT_EXEC_PATH',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_SSL_NO_VERIFY',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'SSH_AUTH_SOCK',
  'SYSTEMROOT', 'SystemRoot', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
] as const;

/**
 * The environment git runs with: the allow-listed variables of `env` and fixed settings. Never INPUT_*
 * (the token), ACTIONS_*, GITHUB_TOKEN, GIT_DIR or GIT_WORK_TREE (git finds the repository from its
 * folder), nor GIT_LFS_SKIP_SMUDGE (which would hand back the pointer instead of the object).
 */
export function gitEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const wanted = new Set<string>(GIT_ENV_NAMES);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (wanted.has(name) || name.startsWith('LC_'))) out[name] = value;
  }
  // A fetch that needs a password fails at once instead of waiting for one; replace refs cannot swap objects.
  out.GIT_TERMINAL_PROMPT = '0';
  out.GIT_NO_REPLACE_OBJECTS = '1';
  out.GCM_INTERACTIVE = 'never';
  return out;
}

/** Settings given on git's command line before every subcommand (command-line config wins over the repository's). */
const SAFE_CONFIG = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'submodule.recurse=false',
  '-c', 'fetch.recurseSubmodules=false',
  '-c', 'protocol.ext.allow=never',
  '--no-replace-objects',
  '--literal-pathspecs',
];

export interface GitOptions {
  /** The repository's folder (the workspace). */
  cwd: string;
  /** model-gate's environment; only the allow-listed part reaches git. */
  env: NodeJS.ProcessEnv;
  /** Stops git after this long (SIGKILL); default 300. */
  timeoutSeconds?: number;
}

export interface GitRunOptions extends GitOptions {
  /** Written to git's stdin, then closed. */
  stdin?: Uint8Array;
  /** Streams stdout into this file instead of memory (a blob, an LFS object). */
  stdoutFile?: string;
  /** Called with each piece of stdout as it is written (to hash it on the way). */
  onStdout?: (chunk: Buffer) => void;
  /** Stops git when stdout goes past this many bytes. */
  maxStdoutBytes?: number;
}

export interface GitResult {
  /** Exit code; null when git could not start, timed out or was stopped. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Why git did not run to its end: not found, timed out, too much output. */
  failure?: 'not-found' | 'timeout' | 'too-large' | 'spawn' | 'write';
  /** How git failed to start or to write its output, when it did. */
  detail?: string;
}

/** Runs `git <args>` (after the fixed safe settings). Never rejects: the caller words the error. */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  const limitMs = (options.timeoutSeconds ?? DEFAULT_GIT_TIMEOUT_SECONDS) * 1000;
  const maxOut = options.maxStdoutBytes ?? (options.stdoutFile === undefined ? STDOUT_LIMIT : Number.POSITIVE_INFINITY);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let stderr = '';
    let outBytes = 0;
    let failure: GitResult['failure'];
    let detail: string | undefined;
    let settled = false;
    const group = process.platform !== 'win32';
    const file = options.stdoutFile === undefined ? undefined : createWriteStream(options.stdoutFile, { mode: 0o644 });
    const child = spawn('git', [...SAFE_CONFIG, ...args], {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      // Its own process group, so a stop reaches what git started too (remote helpers, ssh, git-lfs).
      detached: group,
    });
    const stop = (why: NonNullable<GitResult['failure']>, text?: string) => {
      failure ??= why;
      detail ??= text;
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => stop('timeout'), limitMs);
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const done = () => resolve({ code: failure === undefined ? code : null, stdout: Buffer.concat(chunks), stderr, failure, detail });
      if (file === undefined) done();
      else if (file.closed) done();
      else file.end(done);
    };
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxOut) return stop('too-large');
      options.onStdout?.(b);
      if (file === undefined) chunks.push(b);
      else if (!file.write(b)) {
        child.stdout.pause();
        file.once('drain', () => child.stdout.resume());
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-STDERR_LIMIT);
    });
    file?.on('error', (e) => stop('write', e.message));
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= e.code === 'ENOENT' ? 'not-found' : 'spawn';
      detail ??= e.message;
      finish(null);
    });
    child.on('close', (code) => finish(code));
    // git may exit before reading all of stdin (an error); that is not ours to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
  });
}

/** git's own words for a failure, shortened to its last lines and one line, for a message. */
export function gitSays(result: GitResult): string {
  if (result.failure === 'not-found') return 'git is not installed or not on PATH';
  if (result.failure === 'timeout') return 'git did not finish in time and was stopped';
  if (result.failure === 'too-large') return 'git wrote more than expected and was stopped';
  if (result.failure !== undefined) return `git failed (${shorten(result.detail ?? result.failure)})`;
  // git-lfs ends with where its log went: not the reason.
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('hint:') && !l.startsWith('Errors logged to') && !l.startsWith('Use `git lfs logs'));
  const text = lines.slice(-3).join(' / ').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `git says: ${shorten(text === '' ? `exit code ${result.code}` : text)}`;
}
