// The action's own small decisions, apart from a run (test/e2e/action.test.ts runs the bundle).

import { reportFileName } from '../src/main.js';

test('report files of different comment keys never collide', () => {
  // Before: "gate a" and "gate/a" both wrote report-gate_a.json, the second run's over the first's.
  const names = ['gate a', 'gate/a', 'gate_a', 'default', '../../etc', 'x'.repeat(300)].map(reportFileName);
  expect(new Set(names).size).toBe(names.length);
  for (const n of names) expect(n).toMatch(/^report-[A-Za-z0-9._-]{1,64}-[0-9a-f]{10}\.json$/);
});
