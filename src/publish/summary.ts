// The job summary: the same markdown as the comment, cut to fit beside other steps' summaries. On a
// `release` event it opens with the warning that this step cannot stop that release.

import { fitCommentBody } from '../github/comment.js';
import type { EventContext } from '../github/context.js';
import { escapeMarkdown } from '../report/escape.js';
import { quote } from '../untrusted.js';
import type { Publisher } from './publisher.js';

/** The note put where the summary was cut; `cut` says which sections were cut or left out. */
export function summaryTruncationNote(cut = ''): string {
  return (
    "> [!NOTE]\n> This summary was cut short to fit GitHub's job summary limit. The full report is in the JSON report " +
    '(output `report-json`; upload it as an artifact to keep it).' +
    (cut ? `\n> ${cut}` : '')
  );
}

export const SUMMARY_TRUNCATION_NOTE = summaryTruncationNote();

/**
 * GitHub refuses a step's summary over 1 MiB (1,048,576 bytes) and shows a job's summaries together:
 * model-gate writes at most half of that, counted in UTF-8 bytes, leaving room for the other steps.
 */
export const SUMMARY_LIMIT = 512 * 1024;

/** Where the README explains how to gate a release so that a failing gate stops it. */
export const RELEASE_GATING_DOCS = 'README "Release gating"';

/**
 * For a `release` event: the release exists already, so failing this step cannot block it. Undefined
 * for every other event. `markdown`: the tag is escaped for the summary; else quoted, for the log.
 */
export function releaseEventNotice(event: EventContext | undefined, markdown = false): string | undefined {
  if (event?.eventName !== 'release') return undefined;
  const tag = event.tag ? (markdown ? `**${escapeMarkdown(event.tag.name)}**` : quote(event.tag.name)) : undefined;
  const which = tag !== undefined ? `release ${tag}` : 'release';
  const action = event.release?.action && /^[a-z_]{1,40}$/.test(event.release.action) ? ` (${event.release.action})` : '';
  return (
    `This run is for a \`release\` event${action}: the ${which} already exists, and a failing verdict here cannot ` +
    'block or undo it; the step only reports. To stop a release when the gate fails, run model-gate on the tag push ' +
    `(on: push: tags) in a gate job that the release job \`needs:\`; see ${RELEASE_GATING_DOCS}.`
  );
}

/** The summary's markdown: the release notice (if any) right after the marker line, then the report, cut to fit. */
export function summaryMarkdown(markdown: string, key: string, event: EventContext | undefined): string {
  const notice = releaseEventNotice(event, true);
  let text = markdown;
  if (notice !== undefined) {
    const quoted = `> [!WARNING]\n> ${notice.replace(/\n/g, ' ')}\n`;
    const lineEnd = text.indexOf('\n');
    const markerLine = lineEnd >= 0 && text.startsWith('<!--') ? text.slice(0, lineEnd + 1) : '';
    text = `${markerLine}${quoted}\n${text.slice(markerLine.length)}`;
  }
  return fitCommentBody(text, key, SUMMARY_LIMIT, summaryTruncationNote, 'bytes');
}

export const jobSummary: Publisher = {
  name: 'summary',
  action: 'write the job summary',
  async publish({ report, key, event, out }) {
    const notice = releaseEventNotice(event);
    if (notice !== undefined) out.log.warning(notice);
    await out.writeSummary(summaryMarkdown(report.markdown, key, event));
    return { status: 'done' };
  },
};
