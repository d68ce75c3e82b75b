import { readFileSync } from 'node:fs';
import { VERSION } from '../src/version.js';

test('VERSION equals package.json version', () => {
  expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
});

test("install-native installs the onnxruntime-node that matches the bundled onnxruntime-web", () => {
  const main = readFileSync('src/main.ts', 'utf8');
  const web = JSON.parse(readFileSync('node_modules/onnxruntime-web/package.json', 'utf8')).version;
  expect(main).toContain(`const ORT_VERSION = '${web}';`);
});
