// The action's inputs are read here: raw inputs in, one typed Settings out, and the few values main.ts falls
// back on when the settings cannot be read. main.ts reads only these besides: the github-token (an edge input,
// never a setting), the raw `data` input it names a failed report after, and the raw `comment` input that
// publish/index.ts parses as the resolver does.

import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { MAX_MESSAGE_CHARS, scrubTokens, shorten } from '../untrusted.js';
import { confinePath, confineSettings, parseAllowedRoots, rootsOf, type Roots } from './confine.js';
import { defaultOf, INPUT_NAMES, listDefault, type InputName } from './inputs.js';
import { thresholdKeyLines } from './thresholds.js';
import { failOnSetting, parseConfig, resolveSettings, splitList, type ConfigFile, type FailOn, type RawInputs, type Settings } from './settings.js';

/**
 * The action's defaults, from the input table (a test holds action.yml to it). The runner always passes an
 * input's default, so an input still at its default counts as "not given" and a config file's value wins.
 */
export const ACTION_DEFAULTS: Partial<Record<InputName, string>> = Object.fromEntries(
  INPUT_NAMES.map((name) => [name, defaultOf(name)]).filter(([, d]) => d !== undefined),
);

export function readRawInputs(get: (name: string) => string = (n) => core.getInput(n)): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) {
    const value = get(name);
    if (value !== '' && value !== ACTION_DEFAULTS[name]) raw[name] = value;
  }
  return raw;
}

/**
 * When the settings could not be read (a bad input or config file), main.ts still names the comment and decides
 * what fails the step. Each reads its one input as the resolver would; none given, or a value the resolver would
 * refuse, gives the input table's default. A config file's value is not read: the config may be what failed.
 */
export function fallbackCommentKey(get: (name: string) => string = (n) => core.getInput(n)): string {
  return get('comment-key').trim() || defaultOf('comment-key')!;
}

export function fallbackFailOn(get: (name: string) => string = (n) => core.getInput(n)): FailOn[] {
  try {
    const items = splitList(get('fail-on'), true);
    if (items.length > 0) return failOnSetting(items);
  } catch {
    // The settings' own error says what is wrong with it; the default decides meanwhile.
  }
  return failOnSetting(listDefault('fail-on'));
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
  return { ...parseConfig(text, full), thresholdLines: thresholdKeyLines(text) };
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
