// A JSON report read back from a file (model-gate evaluate --json, the action's report-json) for the
// changelog and model-card commands: checked against the report's schema before anything is taken from it.

import { InputError } from '../errors.js';
import type { JsonReport } from '../report/json.js';
import { validateReport } from '../report/report-schema.js';
import { quote, shorten } from '../untrusted.js';

/** The report in `text`, or an InputError naming `file` and what is wrong with it. */
export function parseReportJson(text: string, file: string): JsonReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${quote(file)} is not JSON (${shorten((e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' '), 200)}); give the JSON report that model-gate evaluate --json or the action's report-json output wrote.`);
  }
  const problems = validateReport(value);
  if (problems.length > 0) {
    throw new InputError(`${quote(file)} is not a model-gate JSON report: ${shorten(problems.slice(0, 3).join('; '), 600)}. Give the file model-gate evaluate --json (or the action's report-json output) wrote.`);
  }
  return value as JsonReport;
}
