// Threshold rules per metric, read from YAML text or an already-parsed mapping.
// Words follow TFMA and MLflow: an absolute bound on the candidate's value, and a largest allowed
// worsening against each baseline, absolute or relative. "Drop" always means "got worse", so for
// a lower-is-better metric such as log_loss a drop is an increase.
// A threshold is a promise to check: a metric it names that cannot be computed (NaN, never
// measured, no interval for ci-max-drop) fails the gate unless the rule says `if-missing: warn`.

import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { parseYamlText } from './yaml.js';
import { InputError } from '../errors.js';
import { quote } from '../untrusted.js';

export interface MetricThreshold {
  /** The candidate's value must be at least this. */
  min?: number;
  /** The candidate's value must be at most this. */
  max?: number;
  /** Largest allowed worsening against a baseline, in the metric's units. */
  maxDrop?: number;
  /** Largest allowed worsening against a baseline, as a fraction of the baseline's value. */
  maxRelativeDrop?: number;
  /** A max-drop or max-relative-drop breach counts only when the regression is significant. */
  significant?: boolean;
  /** Breach when the bad end of the delta's confidence interval is worse than this (in metric units). */
  ciMaxDrop?: number;
  /**
   * Smallest worsening, in the metric's units, that a significant regression must exceed to warn
   * (smaller ones are negligible). Default: 0.5 percentage points for bounded metrics, 1 % of the
   * baseline's value for the others (src/metrics/direction.ts).
   */
  minEffect?: number;
  /** Largest allowed generalisation gap, train − eval in the metric's units and bad direction (src/analysis/overfitting.ts). */
  maxGap?: number;
  /** What a breach does to the verdict. */
  severity: 'fail' | 'warn';
  /** What a metric (or interval) the rule needs but that cannot be computed does to the verdict; fail when absent. */
  ifMissing?: 'fail' | 'warn';
}

export type Thresholds = Record<string, MetricThreshold>;

const KEYS: Record<string, keyof MetricThreshold> = {
  min: 'min',
  max: 'max',
  'max-drop': 'maxDrop',
  'max-relative-drop': 'maxRelativeDrop',
  'ci-max-drop': 'ciMaxDrop',
  'min-effect': 'minEffect',
  'max-gap': 'maxGap',
  significant: 'significant',
  severity: 'severity',
  'if-missing': 'ifMissing',
};

/** Parses the `thresholds` input: YAML text mapping metric names to rules. Empty text means none. */
export function parseThresholdsYaml(text: string, source: string): Thresholds {
  if (text.trim() === '') return {};
  const value = parseYamlText(text, source, 'the thresholds are', 'Write one metric per line, for example "accuracy: { min: 0.8, max-drop: 0.02 }".');
  return thresholdsFrom(value, source);
}

/** Validates an already-parsed thresholds mapping (from the config file or the input). */
export function thresholdsFrom(value: unknown, source: string): Thresholds {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      `${source}: thresholds must be a mapping of metric names to rules, for example "accuracy: { min: 0.8 }".`,
    );
  }
  const out: Thresholds = {};
  for (const [metric, rule] of Object.entries(value as Record<string, unknown>)) {
    out[metric] = ruleFrom(metric, rule, source);
  }
  return out;
}

function ruleFrom(metric: string, rule: unknown, source: string): MetricThreshold {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    throw new InputError(
      `${source}: the threshold for ${quote(metric)} must be a mapping with min, max, max-drop or max-relative-drop, ` +
        `for example "accuracy: { max-drop: 0.01 }".`,
    );
  }
  const out: MetricThreshold = { severity: 'fail' };
  for (const [key, raw] of Object.entries(rule as Record<string, unknown>)) {
    const field = KEYS[key];
    if (field === undefined) {
      throw new InputError(
        `${source}: unknown key ${quote(key)} in the threshold for ${quote(metric)}; ` +
          'use min, max, max-drop, max-relative-drop, ci-max-drop, min-effect, max-gap, significant, severity or if-missing.',
      );
    }
    if (field === 'significant') {
      if (typeof raw !== 'boolean') throw new InputError(`${source}: significant for ${quote(metric)} must be true or false.`);
      out.significant = raw;
      continue;
    }
    if (field === 'severity' || field === 'ifMissing') {
      if (raw !== 'fail' && raw !== 'warn') {
        throw new InputError(`${source}: ${key} for ${quote(metric)} must be "fail" or "warn", not ${quote(raw)}.`);
      }
      out[field] = raw;
      continue;
    }
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      throw new InputError(`${source}: ${key} for ${quote(metric)} must be a finite number, not ${quote(raw)}.`);
    }
    if ((field === 'maxDrop' || field === 'maxRelativeDrop' || field === 'ciMaxDrop' || field === 'maxGap' || field === 'minEffect') && raw < 0) {
      throw new InputError(`${source}: ${key} for ${quote(metric)} must be zero or more (it is ${field === 'minEffect' ? 'the smallest worsening that counts' : 'the allowed worsening'}).`);
    }
    out[field] = raw;
  }
  return out;
}

/**
 * Where each metric's rule sits in a config file's text: metric name → 1-based line of its key under the
 * top-level `thresholds:` mapping. Thresholds written as a block of YAML text (`thresholds: |`) are
 * found inside the block. Anything else (no thresholds, text that does not parse) gives an empty record:
 * the lines only place the check run's annotations, and the parse that matters reports its own errors.
 */
export function thresholdKeyLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return lines;
  const pair = doc.contents.items.find((item) => isScalar(item.key) && item.key.value === 'thresholds');
  const value = pair?.value;
  if (isMap(value)) {
    for (const item of value.items) {
      if (isScalar(item.key) && item.key.range) lines[String(item.key.value)] = counter.linePos(item.key.range[0]).line;
    }
  } else if (isScalar(value) && value.type === 'BLOCK_LITERAL' && typeof value.value === 'string' && value.range) {
    // A literal block's text starts on the line after its `|` indicator, each line as written.
    const first = counter.linePos(value.range[0]).line + 1;
    for (const [metric, line] of Object.entries(thresholdKeyLines(`thresholds:\n${indent(value.value)}`))) lines[metric] = first + line - 2;
  }
  return lines;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
