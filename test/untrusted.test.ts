// Shortening, quoting, scrubbing and the log guard: the pieces every printed or posted string goes through.

import { clipStrings, MASK, MAX_VALUE_CHARS, quote, safeLogText, scrubber, shorten } from '../src/untrusted.js';

describe('shorten', () => {
  test('keeps short text, cuts long text and says how much was left out', () => {
    expect(shorten('abc')).toBe('abc');
    expect(shorten('x'.repeat(MAX_VALUE_CHARS))).toBe('x'.repeat(MAX_VALUE_CHARS));
    const long = 'y'.repeat(50_000_000);
    const cut = shorten(long);
    expect(cut).toBe(`${'y'.repeat(200)}… (+49999800 characters)`);
  });

  test('never splits a surrogate pair', () => {
    const text = 'a'.repeat(199) + '😀' + 'b'.repeat(10);
    const cut = shorten(text);
    expect(cut.startsWith('a'.repeat(199) + '…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('quote', () => {
  test('one line whatever the value holds, in quotes, escaped as JSON would', () => {
    expect(quote('a\nb')).toBe('"a\\nb"');
    expect(quote('x\r\n::error::pwned')).toBe('"x\\r\\n::error::pwned"');
    expect(quote('say "hi" \\ \u0007')).toBe('"say \\"hi\\" \\\\ \\u0007"');
    expect(JSON.parse(quote('tab\there\u2028'))).toBe('tab\there\u2028');
    expect(quote(17)).toBe('"17"');
    expect(quote('z'.repeat(1000)).length).toBeLessThan(230);
  });
});

describe('scrubber', () => {
  const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
  test('removes the secrets it was given, longest first, and token-shaped strings', () => {
    const scrub = scrubber([token, 'hunter2secret', 'hunter2', undefined, 'ab']);
    expect(scrub(`token=${token} pw=hunter2secret short=hunter2 ab`)).toBe(`token=${MASK} pw=${MASK} short=${MASK} ab`);
    // Not given, but shaped like GitHub's tokens: classic and fine-grained personal tokens, OAuth, app tokens.
    const classic = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const fine = 'github_pat_11ABCDEFG0' + 'x'.repeat(72);
    const oauth = 'gho_' + 'z'.repeat(36);
    expect(scrubber([])(`a ${classic} b ${fine} c ${oauth} d`)).toBe(`a ${MASK} b ${MASK} c ${MASK} d`);
    // A secret that a message escaped (quote(), JSON) before the scrub is still found.
    const odd = 'Pa"ss\\word-12345';
    const scrubOdd = scrubber([odd]);
    expect(scrubOdd(`found ${quote(odd)} and ${JSON.stringify({ v: odd })}`)).toBe(`found "${MASK}" and {"v":"${MASK}"}`);
    // Words that merely start the same way are left alone.
    expect(scrubber([])('ghp_short ghs_ github_pat_x')).toBe('ghp_short ghs_ github_pat_x');
  });
});

describe('safeLogText', () => {
  test('no line starts a workflow command, whatever the value holds', () => {
    const text = 'ok\n::error::pwned\n  ::add-mask::x\r::stop-commands::abc\r\n##[set-output name=v;]1\nmid :: dle';
    const safe = safeLogText(text);
    for (const line of safe.split('\n')) expect(line.trimStart()).not.toMatch(/^(::|##\[)/);
    expect(safe).toBe('ok\n› ::error::pwned\n  › ::add-mask::x\n› ::stop-commands::abc\n## [set-output name=v;]1\nmid :: dle');
  });

  test("the runner's older parser finds ##[ anywhere in a line, and .NET's white space includes U+0085", () => {
    // Found in review: a data file named d##[error]pwned.csv, and a name starting with NEL then ::.
    expect(safeLogText('rows of /ws/d##[error]pwned.csv in 0 ms')).toBe('rows of /ws/d## [error]pwned.csv in 0 ms');
    expect(safeLogText('x ##[stop-commands]tok')).not.toContain('##[');
    expect(safeLogText('\u0085::error::pwned')).toBe('\u0085› ::error::pwned');
    expect(safeLogText('\u00a0\u3000::warning::x')).toBe('\u00a0\u3000› ::warning::x');
  });
});

describe('clipStrings', () => {
  test('names and values to 200 characters, sentences to 2,000, numbers and structure kept', () => {
    const big = 'L'.repeat(10_000);
    const report = { classes: ['a', big], models: [{ name: big, metrics: { accuracy: { value: 0.5 } } }], findings: [{ kind: 'k', message: big }], n: 3 };
    const clipped = clipStrings(report);
    expect(clipped.classes[0]).toBe('a');
    expect(clipped.classes[1]).toBe(shorten(big, 200));
    expect(clipped.models[0].name).toBe(shorten(big, 200));
    expect(clipped.models[0].metrics.accuracy.value).toBe(0.5);
    expect(clipped.findings[0].message).toBe(shorten(big, 2000));
    expect(clipped.n).toBe(3);
    expect(report.classes[1]).toBe(big); // a copy: the evaluation itself is untouched
  });
});
