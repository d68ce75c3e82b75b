// Everything the action prints goes through here: secrets are scrubbed, and no line of an untrusted
// value can start a workflow command (core.warning and core.error escape their own line breaks).

import * as core from '@actions/core';
import type { Log } from '../pipeline/log.js';
import { MAX_MESSAGE_CHARS, safeLogText, scrubber, shorten } from '../untrusted.js';

export class ActionOutput {
  private scrub: (text: string) => string = (t) => t;
  private readonly secrets: string[] = [];

  /** Masks values with the runner (::add-mask::) and in every later line model-gate writes. */
  addSecrets(values: readonly (string | undefined)[]): void {
    for (const v of values) {
      if (v === undefined || v.length < 4 || this.secrets.includes(v)) continue;
      core.setSecret(v);
      this.secrets.push(v);
    }
    this.scrub = scrubber(this.secrets);
  }

  clean(text: string): string {
    return this.scrub(text);
  }

  message(text: string): string {
    return shorten(this.scrub(text), MAX_MESSAGE_CHARS);
  }

  readonly log: Log = {
    info: (m) => core.info(safeLogText(this.message(m))),
    warning: (m) => core.warning(this.message(m)),
    debug: (m) => core.debug(this.scrub(m)),
    group: (name, fn) => core.group(safeLogText(this.scrub(name)).replace(/\n/g, ' '), fn),
  };

  /** A step output; callers scrub values that may hold user text (the output file is not a log). */
  setOutput(name: string, value: string): void {
    core.setOutput(name, value);
  }

  /** An annotation on the run's page, scrubbed and shortened like every message. */
  annotate(severity: 'error' | 'warning', text: string): void {
    if (severity === 'error') core.error(this.message(text));
    else core.warning(this.message(text));
  }

  /** Appends raw markdown to the job summary (the file GITHUB_STEP_SUMMARY names). */
  async writeSummary(markdown: string): Promise<void> {
    await core.summary.addRaw(markdown).write();
  }
}
