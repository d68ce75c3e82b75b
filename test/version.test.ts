import { readFileSync } from 'node:fs';
import { VERSION } from '../src/version.js';

test('VERSION equals package.json version', () => {
  expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
});
