// The step outputs a later step reads: verdict, report-json (the JSON report's path) and changelog.
// Each is its own publisher, so one that cannot be written leaves the others (and the verdict) standing.
// comment-id is set by the pull request comment's publisher, which alone knows it.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Publisher } from './publisher.js';

export const verdictOutput: Publisher = {
  name: 'verdict',
  action: 'set the verdict output',
  publish({ evaluation, out }) {
    out.setOutput('verdict', evaluation.gate.verdict);
    return { status: 'done', detail: evaluation.gate.verdict };
  },
};

export const reportJsonOutput: Publisher = {
  name: 'report-json',
  action: 'write the JSON report',
  async publish({ report, key, out }) {
    const reportPath = reportJsonPath(key);
    await mkdir(path.dirname(reportPath), { recursive: true });
    await writeFile(reportPath, out.clean(JSON.stringify(report.json, null, 2)) + '\n');
    out.setOutput('report-json', reportPath);
    return { status: 'done', detail: reportPath };
  },
};

export const changelogOutput: Publisher = {
  name: 'changelog',
  action: 'set the changelog output',
  publish({ report, out }) {
    out.setOutput('changelog', out.clean(report.changelog));
    return { status: 'done' };
  },
};

/** Where the JSON report goes: the runner's temporary folder, which the job cleans up. */
export function reportJsonPath(key: string, env: Record<string, string | undefined> = process.env): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'model-gate', reportFileName(key));
}

/**
 * The report's file name for a comment key: readable, and distinct for distinct keys (`gate a` and
 * `gate/a` both read `gate_a`, so a hash of the key itself follows).
 */
export function reportFileName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'default';
  return `report-${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}.json`;
}
