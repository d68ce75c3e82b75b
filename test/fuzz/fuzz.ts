// The fuzz tests' shared parts: a seeded random source, byte and text mutators with adversarial
// tokens, and a runner that drives one entry point with many cases and says which ones went wrong.
//
// Every case has its own seed (the suite's seed mixed with the case number), so the same cases run on
// every machine and a failure names its case. FUZZ_SEED changes every suite's seed; FUZZ_SCALE multiplies
// the case counts (FUZZ_SCALE=20 for a long local run); FUZZ_TRACE=1 names each case before it runs (for a
// case that takes the process down); FUZZ_REPORT=file keeps every failure. The defaults are what CI runs.

import { appendFileSync, writeSync } from 'node:fs';
import { GateError, messageOf } from '../../src/errors.js';
import { concat as concatAll } from '../training-log/proto-encode.js';
import { rng } from '../support/rng.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);
export const FUZZ_SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** How many cases a suite runs: its CI count times FUZZ_SCALE. */
export function caseCount(ci: number): number {
  return Math.max(1, Math.round(ci * FUZZ_SCALE));
}

/** Helpers on the tests' seeded generator (support/rng.ts): the same seed gives the same cases on every machine. */
export class Random {
  private readonly source: () => number;
  constructor(seed: number) {
    this.source = rng(seed);
  }
  /** In [0, 1). */
  next(): number {
    return this.source();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Small numbers far more often than large ones: in [0, max]. */
  small(max: number): number {
    return Math.min(max, Math.floor(Math.exp(this.next() * Math.log(max + 1))) - 1 + this.int(2));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** A case's own seed, from the suite's seed and the case number. */
export function caseSeed(suiteSeed: number, index: number): number {
  let h = (suiteSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Adversarial material

/** Workflow commands, the way an attacker would smuggle them into a value: after a line break. */
export const COMMAND_TOKENS = [
  '\n::error::fuzz',
  '\r::add-mask::fuzz',
  '\n::stop-commands::fuzz',
  '\r\n::set-output name=verdict::pass',
  '\n   ::warning file=x::fuzz',
  '\n##[error]fuzz',
  '\u2028::error::fuzz',
  '::error::at-start',
];

/** Text that is hard on parsers, typers and escapers. */
export const TEXT_TOKENS = [
  ...COMMAND_TOKENS,
  '1e400', '-1e400', '1e308', '-1e308', '4.9e-324', '1e-400', 'nan', 'NaN', '-nan', 'inf', '-inf', 'Infinity', '-Infinity',
  '9007199254740993', '-0', '0x10', '1_000', '.', 'e5', '+', '-', '1e', '١٢٣', '１２',
  '"', '""', '"""', '"a""b"', "'", ',', ';', '\t', '\n', '\r', '\r\n', '\n\n', ' ', '\u0000', '\ufeff', '\u2028', '\u00a0',
  '{', '}', '[', ']', ':', '{}', '[]', '{"a":1}', '[1,2]', 'null', 'true', '\\', '\\u0000', '\\ud800', '\\"', '\\n::error::x',
  '<script>alert(1)</script>', '</details>', '<!--', '`', '```', '````', '|', '||', '@everyone', '#1', '[x](javascript:alert(1))',
  'https://evil.example', '../../../../etc/passwd', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'NA', '', '#N/A', 'None', 'ghp_' + 'A'.repeat(36), '\ud83d\ude00', '\ud800', 'é', 'ß',
];

/** Byte sequences that are not valid UTF-8, and byte order marks. */
export const BYTE_TOKENS: readonly Uint8Array[] = [
  [0xff], [0xfe], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80],
  [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0x00], [0x00, 0x00, 0x00, 0x00],
].map((b) => Uint8Array.from(b));

/** Little-endian integers at the edges of 8, 16, 32 and 64 bits. */
export const EDGE_INTEGERS = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** A token, sometimes a long run of text, sometimes a long value of random letters. */
export function textToken(rng: Random): string {
  const r = rng.next();
  if (r < 0.06) return rng.pick(['x', '9', '"', ',', '\n', 'é', '`']).repeat(rng.small(70000));
  if (r < 0.1) return letters(rng, 200 + rng.small(5000));
  return rng.pick(TEXT_TOKENS);
}

/** Random lower-case letters: a long value whose every 32-character piece is unique in practice. */
export function letters(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + rng.int(26));
  return s;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

// ---------------------------------------------------------------------------------------------
// Mutators: each takes bytes and returns new bytes, and says what it did (for the failure report).

export type Mutation = (rng: Random, b: Uint8Array) => Uint8Array;

/** Where to cut or insert: anywhere, or just after a line break or delimiter (where values start). */
function position(rng: Random, b: Uint8Array): number {
  if (b.length === 0) return 0;
  if (rng.chance(0.5)) {
    const at = rng.int(b.length);
    for (let i = at; i < b.length; i++) if (b[i] === 10 || b[i] === 44 || b[i] === 9 || b[i] === 58 || b[i] === 34) return i + 1;
  }
  return rng.int(b.length + 1);
}

export const MUTATIONS: Record<string, Mutation> = {
  flipBits(rng, b) {
    const out = b.slice();
    for (let k = 1 + rng.small(8); k > 0 && out.length > 0; k--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return out;
  },
  setBytes(rng, b) {
    const out = b.slice();
    for (let k = 1 + rng.small(8); k > 0 && out.length > 0; k--) out[rng.int(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return out;
  },
  truncate(rng, b) {
    return b.slice(0, rng.int(b.length + 1));
  },
  insertText(rng, b) {
    const at = position(rng, b);
    return concat(b.subarray(0, at), utf8(textToken(rng)), b.subarray(at));
  },
  replaceWithText(rng, b) {
    const at = position(rng, b);
    const end = Math.min(b.length, at + rng.small(16));
    return concat(b.subarray(0, at), utf8(textToken(rng)), b.subarray(end));
  },
  insertBytes(rng, b) {
    const at = position(rng, b);
    return concat(b.subarray(0, at), rng.chance(0.7) ? rng.pick(BYTE_TOKENS) : rng.bytes(1 + rng.small(64)), b.subarray(at));
  },
  deleteRange(rng, b) {
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.small(64))));
  },
  repeatRange(rng, b) {
    const at = rng.int(b.length + 1);
    const piece = b.subarray(at, Math.min(b.length, at + 1 + rng.small(200)));
    const copies = Array.from({ length: 1 + rng.small(50) }, () => piece);
    return concat(b.subarray(0, at), ...copies, b.subarray(at));
  },
  swapRanges(rng, b) {
    if (b.length < 4) return b.slice();
    const cuts = [rng.int(b.length), rng.int(b.length), rng.int(b.length)].sort((x, y) => x - y);
    return concat(b.subarray(0, cuts[0]), b.subarray(cuts[1], cuts[2]), b.subarray(cuts[0], cuts[1]), b.subarray(cuts[2]));
  },
  edgeInteger(rng, b) {
    if (b.length < 2) return b.slice();
    const out = b.slice();
    const width = rng.pick([1, 2, 4, 8]);
    const at = rng.int(Math.max(1, out.length - width + 1));
    let v = BigInt(rng.pick(EDGE_INTEGERS));
    if (width === 8 && rng.chance(0.5)) v = rng.pick([0xffffffffffffffffn, 0x20000000000000n, 0x1fffffffffffffn, 0x8000000000000000n]);
    for (let k = 0; k < width && at + k < out.length; k++) out[at + k] = Number((v >> BigInt(8 * k)) & 0xffn);
    return out;
  },
  lineEndings(rng, b) {
    const text = Buffer.from(b).toString('latin1');
    const to = rng.pick(['\r\n', '\r', '\n\n', '\n\r', '\u0085']);
    return Buffer.from(text.replace(/\r?\n/g, to), 'latin1');
  },
  randomBytes(rng) {
    return rng.bytes(rng.small(4096));
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to `max` random mutations of `seed`; `applied` gets their names. */
export function mutate(rng: Random, seed: Uint8Array, applied: string[], max = 4): Uint8Array {
  let b = seed;
  for (let k = 1 + rng.small(max - 1); k > 0; k--) {
    const name = rng.pick(MUTATION_NAMES);
    applied.push(name);
    b = MUTATIONS[name]!(rng, b);
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Checking what a case ended in

/** Longest message a named error may have: untrusted values in it are shortened (src/untrusted.ts). */
export const MAX_MESSAGE_CHARS = 2000;

/** What is wrong with text that will be printed to a workflow log, or undefined. */
export function logProblem(text: string): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const bad = lines.find((line) => /^\s*(::|##\[)/.test(line));
  if (bad !== undefined) return `a line starts a workflow command: ${JSON.stringify(bad.slice(0, 80))}`;
  return undefined;
}

/** What is wrong with a named error's message, or undefined. */
export function messageProblem(message: string): string | undefined {
  if (message.length > MAX_MESSAGE_CHARS) return `the message is ${message.length} characters long (at most ${MAX_MESSAGE_CHARS})`;
  if (message.trim() === '') return 'the message is empty';
  return logProblem(message);
}

export interface CaseResult {
  index: number;
  seed: number;
  /** What the case was, in a few words (seed file, mutations). */
  what: string;
  problem: string;
}

export interface Tally {
  cases: number;
  values: number;
  namedErrors: number;
  /** Named errors by class, for the report. */
  byClass: Record<string, number>;
  failures: CaseResult[];
  slowestMs: number;
}

export interface Suite<T> {
  name: string;
  seed: number;
  cases: number;
  /** Builds case `index` from its random source. */
  make(rng: Random, index: number): T | Promise<T>;
  /** Calls the entry point. */
  run(input: T): Promise<unknown>;
  /** What is wrong with a value the entry point returned, or undefined. */
  validate?(value: unknown, input: T): string | undefined | Promise<string | undefined>;
  /** The error classes this entry point may end in (default: any GateError). */
  named?: (error: unknown) => boolean;
  describe(input: T): string;
  /** Longest a case may take. */
  timeoutMs?: number;
}

/** Runs every case of a suite; a case fails when it throws anything but a named error, hangs, or breaks a check. */
export async function runSuite<T>(suite: Suite<T>): Promise<Tally> {
  const tally: Tally = { cases: 0, values: 0, namedErrors: 0, byClass: {}, failures: [], slowestMs: 0 };
  const timeoutMs = suite.timeoutMs ?? 5000;
  const named = suite.named ?? ((e: unknown) => e instanceof GateError);
  for (let index = 0; index < suite.cases; index++) {
    const seed = caseSeed(suite.seed, index);
    const input = await suite.make(new Random(seed), index);
    const fail = (problem: string) => tally.failures.push({ index, seed, what: suite.describe(input), problem });
    tally.cases++;
    // FUZZ_TRACE=1 names each case before it runs: the last name printed is the one that took the process down.
    if (process.env.FUZZ_TRACE) writeSync(2, `${suite.name} case ${index} (seed ${seed}): ${suite.describe(input).slice(0, 300)}\n`);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      suite.run(input).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), timeoutMs))),
    ]);
    clearTimeout(timer);
    const ms = performance.now() - started;
    tally.slowestMs = Math.max(tally.slowestMs, ms);
    if ('timeout' in outcome || ms > timeoutMs) {
      fail(`took more than ${timeoutMs} ms`);
    } else if ('error' in outcome) {
      const error = outcome.error;
      if (!named(error)) {
        const kind = error instanceof Error ? error.constructor.name : typeof error;
        fail(`ended in ${kind}, not a named error: ${messageOf(error).slice(0, 300)}${error instanceof Error && error.stack ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : ''}`);
        continue;
      }
      tally.namedErrors++;
      const cls = (error as Error).constructor.name;
      tally.byClass[cls] = (tally.byClass[cls] ?? 0) + 1;
      const problem = messageProblem((error as Error).message);
      if (problem !== undefined) fail(`${cls}: ${problem}\n  message: ${JSON.stringify((error as Error).message.slice(0, 300))}`);
    } else {
      tally.values++;
      const problem = await suite.validate?.(outcome.value, input);
      if (problem !== undefined) fail(`returned a value that breaks a check: ${problem}`);
    }
  }
  return tally;
}

/** The failures of a run, ready for an assertion message: the first few in full, then a count. */
export function failureReport(suite: string, tally: Tally, shown = 8): string {
  // FUZZ_REPORT=file keeps every failure (one JSON per line) and each suite's counts, for working through a long run.
  if (process.env.FUZZ_REPORT) {
    for (const f of tally.failures) appendFileSync(process.env.FUZZ_REPORT, JSON.stringify({ suite, ...f }) + '\n');
    const { failures, ...counts } = tally;
    appendFileSync(process.env.FUZZ_REPORT, JSON.stringify({ suite, ...counts, failed: failures.length }) + '\n');
  }
  if (tally.failures.length === 0) return '';
  const lines = tally.failures.slice(0, shown).map((f) => `- ${suite} case ${f.index} (seed ${f.seed}; ${f.what}): ${f.problem}`);
  const more = tally.failures.length > shown ? `\n… and ${tally.failures.length - shown} more` : '';
  return `${tally.failures.length} of ${tally.cases} cases failed:\n${lines.join('\n')}${more}`;
}
