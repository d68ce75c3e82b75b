// mode: monitor's inputs: the pipeline's settings (the production model is the `candidate`; `data`, the latest
// labelled data, is optional here) and the monitor's own: issue-labels, issue-assignees, history, retrain-event.

import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { readRawInputs, loadConfigFile } from '../settings/action-inputs.js';
import { confineSettings, parseAllowedRoots, rootsOf } from '../settings/confine.js';
import { resolveSettings, splitList } from '../settings/settings.js';
import { quote } from '../untrusted.js';
import type { MonitorSettings } from './measure.js';

export interface MonitorOptions {
  labels: string[];
  assignees: string[];
  /** Runs the issue remembers. */
  history: number;
  /** repository_dispatch's event_type, sent when the model degrades; undefined: none. */
  retrainEvent?: string;
}

/** Stands for the label column when there is no labelled data: no column is named so, so none is excluded. */
const NO_LABEL = '\u0000model-gate:no-label';

export const DEFAULT_HISTORY = 30;
export const MAX_HISTORY = 200;

export async function readMonitorSettings(get: (name: string) => string = (n) => core.getInput(n)): Promise<MonitorSettings & { options: MonitorOptions }> {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const raw = readRawInputs(get);
  const roots = rootsOf(cwd, parseAllowedRoots(raw['allowed-roots'], cwd));
  const config = await loadConfigFile(raw.config, cwd, roots);
  const given = (name: string): boolean => (raw as Record<string, string | undefined>)[name] !== undefined || (config?.values[name] ?? '') !== '';
  const labelled = given('data');
  const drift = given('reference-data') && given('current-data');
  if (!labelled && !drift) {
    throw new InputError('mode: monitor needs the latest labelled data (`data`, with `label-column`) or both `reference-data` and `current-data` (production inputs) to watch.');
  }
  if (given('reference-data') !== given('current-data')) {
    throw new InputError('mode: monitor compares `current-data` against `reference-data`: set both, or neither.');
  }
  const resolved = resolveSettings(
    labelled ? raw : { ...raw, data: raw['current-data'] ?? String(config?.values['current-data']), ...(given('label-column') ? {} : { 'label-column': NO_LABEL }) },
    config,
    cwd,
  );
  // Without labelled data nothing is evaluated: the placeholder label names no column.
  const settings = labelled ? resolved : { ...resolved, labelColumns: resolved.labelColumns.filter((c) => c !== NO_LABEL) };
  confineSettings(settings, roots);
  return { settings, labelled, options: monitorOptions(get) };
}

/** GitHub logins and label names: one line each, no control characters. */
function names(input: string, text: string, check: RegExp, what: string, plural: string): string[] {
  const items = splitList(text, true);
  for (const item of items) {
    if (!check.test(item)) throw new InputError(`${input}: ${quote(item)} is not ${what}.`);
  }
  if (items.length > 10) throw new InputError(`${input}: at most 10 ${plural}, not ${items.length}.`);
  return items;
}

export function monitorOptions(get: (name: string) => string): MonitorOptions {
  const labels = names('issue-labels', get('issue-labels'), /^[^\u0000-\u001f\u007f,]{1,50}$/, 'a label name (up to 50 characters, no commas)', 'labels');
  const assignees = names('issue-assignees', get('issue-assignees'), /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login', 'assignees (GitHub assigns no more)');
  const h = get('history').trim() || String(DEFAULT_HISTORY);
  if (!/^\d+$/.test(h) || Number(h) < 1 || Number(h) > MAX_HISTORY) throw new InputError(`history: ${quote(h)} must be a whole number of runs from 1 to ${MAX_HISTORY}.`);
  const event = get('retrain-event').trim();
  if (event !== '' && !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(event)) {
    throw new InputError(`retrain-event: ${quote(event)} must be an event type of up to 100 letters, digits and _ . : - (the retraining workflow listens with \`on: repository_dispatch: types: [NAME]\`).`);
  }
  return { labels, assignees, history: Number(h), ...(event ? { retrainEvent: event } : {}) };
}
