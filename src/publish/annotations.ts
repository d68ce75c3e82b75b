// One annotation per error or warning finding, so the run's page lists them without opening the log.

import type { Publisher } from './publisher.js';

export const annotations: Publisher = {
  name: 'annotations',
  action: 'write the annotations',
  publish({ evaluation, out }) {
    let count = 0;
    for (const f of evaluation.gate.findings) {
      if (f.severity !== 'error' && f.severity !== 'warning') continue;
      out.annotate(f.severity, f.message);
      count++;
    }
    return { status: 'done', detail: `${count} annotation${count === 1 ? '' : 's'}` };
  },
};
