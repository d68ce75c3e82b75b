// A changelog entry in Keep a Changelog style: what changed, metric deltas, model hashes, date.

import { combinedDigest } from '../digest.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { ModelMeasurement } from '../types.js';
import { escapeMarkdown } from './escape.js';
import { formatDelta, formatPercent, formatPoints, formatValue, shortHash } from './format.js';
import { metricInfo } from '../metrics/index.js';

export interface ChangelogOptions {
  /** YYYY-MM-DD; injected so rendering stays pure and reproducible. */
  date: string;
  /** Heading version, "Unreleased" until a release names one. */
  version?: string;
}

export function changelogEntry(e: Evaluation, options: ChangelogOptions): string {
  const lines: string[] = [`## [${options.version ?? 'Unreleased'}] - ${options.date}`, '', '### Changed'];
  const candidate = e.models.find((m) => m.role === 'candidate');
  if (candidate === undefined) {
    lines.push('- No candidate model could be evaluated; see the findings.');
    return lines.join('\n') + '\n';
  }
  const reference = e.models.find((m) => m.role === 'baseline');
  lines.push(`- Model ${modelRef(candidate)}${reference ? ` replaces ${modelRef(reference)}` : ''}.`);
  if (reference !== undefined && reference.files.length > 0 && combinedDigest(reference.files) === combinedDigest(candidate.files)) {
    lines.push('- The model files are identical to the baseline\'s.');
  }
  if (reference !== undefined) {
    const rows = e.gate.comparisons.filter((c) => c.baseline === reference.name && c.change !== 'missing');
    const improved = rows.filter((c) => c.change === 'improved');
    const regressed = rows.filter((c) => c.change === 'regressed');
    // One unit per quantity, as in the comment: percentage points for proportions, else the delta and its relative change.
    const item = (c: (typeof rows)[number]) =>
      metricInfo(c.metric)?.bounded
        ? `${c.metric} ${formatValue(c.baselineValue)} → ${formatValue(c.candidate)} (${formatPoints(c.delta)} pp)`
        : `${c.metric} ${formatValue(c.baselineValue)} → ${formatValue(c.candidate)} (${formatDelta(c.delta)}${c.relativeDelta !== null ? `, ${formatPercent(c.relativeDelta)}` : ''})`;
    if (improved.length) lines.push(`- Improved against ${escapeMarkdown(reference.name)}: ${improved.map(item).join('; ')}.`);
    if (regressed.length) lines.push(`- Regressed against ${escapeMarkdown(reference.name)}: ${regressed.map(item).join('; ')}.`);
    if (!improved.length && !regressed.length) lines.push(`- No metric changed against ${escapeMarkdown(reference.name)}.`);
  }
  const r = e.release;
  if (r?.facts) {
    if (r.facts.signatureChanged) lines.push(`- **Breaking:** the input/output signature changed: ${r.facts.changes.map((t) => escapeMarkdown(t)).join('; ')}.`);
    if (r.facts.parametersDelta !== 0) lines.push(`- Parameters ${r.facts.parametersDelta > 0 ? '+' : '−'}${Math.abs(r.facts.parametersDelta)}, file size ${r.facts.fileBytesDelta >= 0 ? '+' : '−'}${Math.abs(r.facts.fileBytesDelta)} bytes.`);
  }
  if (r) lines.push(`- Suggested version bump: **${r.versionBump}**.`);
  lines.push(`- Evaluated on ${escapeMarkdown(baseName(e.data.path))} (${e.data.rows} rows, ${e.task ?? 'unknown task'}); gate verdict: ${e.gate.verdict}.`);
  return lines.join('\n') + '\n';
}

function modelRef(m: ModelMeasurement): string {
  const digest = m.files.length > 0 ? ` (sha256 ${shortHash(combinedDigest(m.files))})` : '';
  return `${escapeMarkdown(m.name)} ${escapeMarkdown(baseName(m.path))}${digest}`;
}

/**
 * Paths in reports are shown from the last two segments: enough to recognise, no runner home folders. A
 * baseline read from git (`@base (merge base 1a2b3c4): models/sex/model.json`) keeps its revision.
 */
export function baseName(p: string): string {
  const git = /^(@[^:\s]+(?: \([^()]*\))?): (.*)$/.exec(p);
  if (git !== null) return `${git[1]}: ${lastSegments(git[2])}`;
  return lastSegments(p);
}

function lastSegments(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).slice(-2).join('/');
}
