// Every core.getInput of the action lives here: raw inputs in, one typed Settings out.

import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { MAX_MESSAGE_CHARS, scrubTokens, shorten } from '../untrusted.js';
import { confinePath, confineSettings, parseAllowedRoots, rootsOf, type Roots } from './confine.js';
import { INPUT_NAMES, parseConfig, type InputName, resolveSettings, type ConfigFile, type RawInputs, type Settings } from './settings.js';

/**
 * action.yml's defaults (a test keeps them equal). The runner always passes an input's default,
 * so an input still at its default counts as "not given" and a config file's value wins.
 */
export const ACTION_DEFAULTS: Partial<Record<InputName, string>> = {
  task: 'auto',
  'ranking-k': '5,10',
  'decision-threshold': '0.5',
  'recall-at-fpr': '0.01',
  'precision-at-recall': '0.9',
  comment: 'true',
  'comment-key': 'default',
  'fail-on': 'regression',
  'batch-size': '1024',
  patience: '5',
  perf: 'false',
  'perf-batch-sizes': '1,32,256',
  'perf-max-seconds': '3',
  'stress-concurrency': '4',
  'stress-seconds': '5',
  'command-timeout': '3600',
  device: 'auto',
  'onnx-runtime': 'auto',
  'install-native': 'false',
  'drift-correction': 'bh',
  'drift-share': '0.5',
  bootstrap: '1000',
  confidence: '0.95',
  seed: '0',
};

export function readRawInputs(get: (name: string) => string = (n) => core.getInput(n)): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) {
    const value = get(name);
    if (value !== '' && value !== ACTION_DEFAULTS[name]) raw[name] = value;
  }
  return raw;
}

/** Reads and parses the config file, which must lie inside the roots (see confine.ts). */
export async function loadConfigFile(file: string | undefined, cwd: string, roots: Roots): Promise<ConfigFile | undefined> {
  if (file === undefined || file.trim() === '') return undefined;
  const full = path.resolve(cwd, file.trim());
  confinePath('config', full, roots);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new InputError(`config file not found: ${file} (resolved to ${full}). Fix the \`config\` input or --config path.`);
  }
  return parseConfig(text, full);
}

export async function readActionSettings(): Promise<Settings> {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const raw = readRawInputs();
  const roots = rootsOf(cwd, parseAllowedRoots(raw['allowed-roots'], cwd));
  const config = await loadConfigFile(raw.config, cwd, roots);
  const settings = resolveSettings(raw, config, cwd);
  confineSettings(settings, roots);
  // Values may come from the pull request's config file: shortened, and token-shaped strings removed.
  for (const [key, value] of Object.entries(settings)) core.debug(`setting ${key} = ${scrubTokens(shorten(JSON.stringify(value) ?? 'undefined', MAX_MESSAGE_CHARS))}`);
  return settings;
}
