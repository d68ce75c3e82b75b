// The job summary: the same markdown as the comment, cut to fit beside other steps' summaries.

import { fitCommentBody } from '../github/comment.js';
import type { Publisher } from './publisher.js';

export const SUMMARY_TRUNCATION_NOTE =
  "> [!NOTE]\n> This summary was cut short to fit GitHub's job summary limit. The full report is in the JSON report (output `report-json`).";

/** GitHub refuses a job summary over 1 MiB; leave room for other steps' summaries. */
export const SUMMARY_LIMIT = 512 * 1024;

export const jobSummary: Publisher = {
  name: 'summary',
  action: 'write the job summary',
  async publish({ report, key, out }) {
    await out.writeSummary(fitCommentBody(report.markdown, key, SUMMARY_LIMIT, SUMMARY_TRUNCATION_NOTE));
    return { status: 'done' };
  },
};
