// Every core.getInput of the action lives here: raw inputs in, one typed Settings out.

import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { MAX_MESSAGE_CHARS, scrubTokens, shorten } from '../untrusted.js';
import { confinePath, confineSettings, parseAllowedRoots, rootsOf, type Roots } from './confine.js';
import { defaultOf, INPUT_NAMES, type InputName } from './inputs.js';
import { parseConfig, resolveSettings, type ConfigFile, type RawInputs, type Settings } from './settings.js';

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
