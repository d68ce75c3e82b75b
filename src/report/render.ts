// Everything a run publishes, rendered in one place for the action and the CLI alike.

import type { Evaluation } from '../pipeline/evaluate.js';
import { safeLogText } from '../untrusted.js';
import { VERSION } from '../version.js';
import { changelogEntry } from './changelog.js';
import { renderComment } from './comment.js';
import { jsonReport, type JsonReport } from './json.js';

export interface Rendered {
  json: JsonReport;
  markdown: string;
  changelog: string;
}

/** releaseVersion: the tag's version on a tag or release run, which titles the changelog entry. */
export function renderReport(e: Evaluation, o: { date: string; marker?: string; runUrl?: string; title?: string; releaseVersion?: string }): Rendered {
  // The markdown is printed too (CLI stdout, the demo): no line of it may start a workflow command,
  // not even inside a fenced command log.
  const changelog = safeLogText(changelogEntry(e, { date: o.date, version: o.releaseVersion }));
  const markdown = safeLogText(renderComment(e, { marker: o.marker, changelog, version: VERSION, runUrl: o.runUrl, title: o.title }));
  return { json: jsonReport(e, changelog, VERSION), markdown, changelog };
}

/** Today's date in UTC, YYYY-MM-DD; SOURCE_DATE_EPOCH pins it for reproducible reports. */
export function reportDate(env: Record<string, string | undefined> = process.env): string {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  const d = Number.isFinite(epoch) && env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : new Date();
  return d.toISOString().slice(0, 10);
}
