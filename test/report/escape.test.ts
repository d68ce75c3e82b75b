import { escapeMarkdown, fenceFor } from '../../src/report/escape.js';

test.each([
  ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
  ['@octocat and @org/team', '&#64;octocat and &#64;org/team'],
  ['a|b', 'a\\|b'],
  ['line1\nline2\r\n', 'line1 line2 '],
  ['[click](javascript:alert(1))', '\\[click\\](javascript:alert(1))'],
  ['**bold** _it_ `code` ~~s~~', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~'],
  ['fixes #12', 'fixes \\#12'],
  ['https://evil.example', 'https:&#47;&#47;evil.example'],
  ['www.evil.example', 'www&#46;evil.example'],
  ['&amp;', '&amp;amp;'],
  ['back\\slash', 'back\\\\slash'],
])('escapeMarkdown(%j)', (input, expected) => {
  expect(escapeMarkdown(input)).toBe(expected);
});

test('a fence is longer than any backtick run inside', () => {
  expect(fenceFor('plain')).toBe('```');
  expect(fenceFor('has ``` inside and ````` too')).toBe('``````');
});
