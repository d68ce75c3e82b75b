// When the settings cannot be read, the action still names its comment, decides whether to post it and what
// fails the step: from the raw inputs, parsed as the resolver parses them, else from the input table.

import { readFileSync } from 'node:fs';
import { choosePublishers } from '../../src/publish/index.js';
import { fallbackCommentKey, fallbackFailOn } from '../../src/settings/action-inputs.js';
import { defaultOf, INPUTS } from '../../src/settings/inputs.js';
import { parseBoolean } from '../../src/settings/settings.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

const event = { repo: { owner: 'o', repo: 'r' }, issueNumber: 7 } as never;
const commentPosted = (commentInput: string) =>
  choosePublishers({ event, settings: undefined, commentInput, checkRunInput: 'false', token: 't', stepSummary: undefined }, {}).some(
    (p) => p.name === 'pr-comment',
  );

test.each(['false', 'False', 'no', 'off', '0', ' NO '])('comment: %j with unreadable settings posts no comment', (value) => {
  expect(commentPosted(value)).toBe(false);
});

test.each(['true', 'yes', 'On', '1', ''])('comment: %j with unreadable settings posts the comment', (value) => {
  expect(commentPosted(value)).toBe(true);
});

test('a comment value the resolver refuses falls back to the table default (true)', () => {
  expect(commentPosted('maybe')).toBe(true);
  expect(parseBoolean('maybe')).toBeUndefined();
});

test('the comment key falls back to the table, not a copy of it', () => {
  expect(fallbackCommentKey(inputs({}))).toBe(defaultOf('comment-key'));
  expect(fallbackCommentKey(inputs({ 'comment-key': ' nightly ' }))).toBe('nightly');
  const spec = INPUTS.find((i) => i.name === 'comment-key') as unknown as { default: string };
  const was = spec.default;
  spec.default = 'gate';
  try {
    expect(fallbackCommentKey(inputs({}))).toBe('gate');
  } finally {
    spec.default = was;
  }
});

test('fail-on falls back to the raw input as the resolver reads it, else the table default', () => {
  expect(fallbackFailOn(inputs({}))).toEqual(['regression']);
  expect(fallbackFailOn(inputs({ 'fail-on': 'drift, overfitting' }))).toEqual(['drift', 'overfitting']);
  expect(fallbackFailOn(inputs({ 'fail-on': 'never' }))).toEqual([]);
  expect(fallbackFailOn(inputs({ 'fail-on': 'bogus' }))).toEqual(['regression']);
  const spec = INPUTS.find((i) => i.name === 'fail-on') as unknown as { default: string };
  const was = spec.default;
  spec.default = 'regression,drift';
  try {
    expect(fallbackFailOn(inputs({}))).toEqual(['regression', 'drift']);
  } finally {
    spec.default = was;
  }
});

test('main.ts falls back through these, not through copies of the defaults', () => {
  const main = readFileSync('src/main.ts', 'utf8');
  expect(main).toContain('settings?.commentKey ?? fallbackCommentKey()');
  expect(main).toContain('settings?.failOn ?? fallbackFailOn()');
  expect(main).not.toMatch(/\|\| 'default'\)|\?\? \['regression'\]/);
});
