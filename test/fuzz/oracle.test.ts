// The fuzz tests' own parts: the checks that decide a case failed must catch what they are for, and the
// cases must be the same on every run.

import { DataError } from '../../src/errors.js';
import { MUTATIONS, Random, caseSeed, logProblem, messageProblem, mutate, runSuite, utf8 } from './fuzz.js';

test('a message fails the check when a line starts a workflow command, after any line break or white space, or when it is long', () => {
  for (const bad of ['a\n::error::x', 'a\r::add-mask::x', 'a\r\n  ::stop-commands::x', '::warning::x', 'a\n##[error]x', 'a\n\u2028::error::x']) {
    expect([bad, messageProblem(bad)]).toEqual([bad, expect.stringMatching(/^a line starts a workflow command/)]);
  }
  expect(messageProblem('x'.repeat(2001))).toBe('the message is 2001 characters long (at most 2000)');
  expect(messageProblem('data.csv:2: key "a\\n::error::x" holds an array')).toBeUndefined();
  expect(logProblem('a :: b\nc::d')).toBeUndefined();
});

test('runSuite fails a case that throws anything but a named error, hangs, breaks a check or words its error badly', async () => {
  const outcomes: (() => Promise<unknown>)[] = [
    async () => 'fine',
    async () => {
      throw new DataError('data.csv:1: fine');
    },
    async () => {
      throw new TypeError('x is undefined');
    },
    () => new Promise(() => undefined),
    async () => 'not fine',
    async () => {
      throw new DataError('x\n::error::y');
    },
  ];
  const tally = await runSuite<number>({
    name: 'oracle',
    seed: 1,
    cases: outcomes.length,
    timeoutMs: 50,
    make: (_rng, index) => index,
    run: (index) => outcomes[index]!(),
    validate: (value) => (value === 'fine' ? undefined : `got ${String(value)}`),
    describe: (index) => `outcome ${index}`,
  });
  expect([tally.cases, tally.values, tally.namedErrors]).toEqual([6, 2, 2]);
  expect(tally.failures.map((f) => [f.index, f.problem.split('\n')[0]])).toEqual([
    [2, 'ended in TypeError, not a named error: x is undefined'],
    [3, 'took more than 50 ms'],
    [4, 'returned a value that breaks a check: got not fine'],
    [5, 'DataError: a line starts a workflow command: "::error::y"'],
  ]);
});

test('the same seed gives the same cases; different cases get different seeds', () => {
  const run = (seed: number) => {
    const applied: string[] = [];
    const bytes = mutate(new Random(seed), utf8('id,x\n1,2\n3,4\n'), applied, 4);
    return { bytes: Buffer.from(bytes).toString('base64'), applied };
  };
  expect(run(caseSeed(7, 3))).toEqual(run(caseSeed(7, 3)));
  const seeds = new Set(Array.from({ length: 10000 }, (_, i) => caseSeed(7, i)));
  expect(seeds.size).toBe(10000);
  // Every mutation runs on an empty input and on a one-byte input without throwing.
  for (const [name, m] of Object.entries(MUTATIONS)) {
    for (const input of [new Uint8Array(0), Uint8Array.of(10)]) expect([name, m(new Random(1), input) instanceof Uint8Array]).toEqual([name, true]);
  }
});
