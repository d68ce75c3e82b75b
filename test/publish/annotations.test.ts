// One annotation per error or warning finding, printed as workflow commands the runner cannot be tricked by.

import { runPublishers } from '../../src/publish/index.js';
import { annotations } from '../../src/publish/annotations.js';
import { actionEnv, inputError, publishContext, type ActionEnv } from './action-env.js';

let env: ActionEnv;
beforeEach(() => (env = actionEnv()));
afterEach(() => env.restore());

test('errors and warnings become annotations, in order; info findings do not', async () => {
  const ctx = publishContext([
    inputError('input "data": data/eval.csv does not exist'),
    { kind: 'data_drift', severity: 'warning', message: 'feature "age" drifted (PSI 0.31)' },
    { kind: 'note', severity: 'info', message: 'only 40 rows: intervals are wide' },
  ]);
  const results = await runPublishers([annotations], ctx);
  const lines = env.stdout().filter((l) => /^::(error|warning|notice)/.test(l));
  expect(lines).toEqual(['::error::input "data": data/eval.csv does not exist', '::warning::feature "age" drifted (PSI 0.31)']);
  expect(results).toEqual([{ name: 'annotations', status: 'done', detail: '2 annotations' }]);
});

test('a message cannot start a workflow command, leak a secret, or run on past the message limit', async () => {
  const secret = 'ghp_annotationSecret_abcdef0123';
  const ctx = publishContext([inputError(`bad value\n::add-mask::x\r::error::injected ${secret} ${'y'.repeat(3000)}`)]);
  ctx.out.addSecrets([secret]);
  await runPublishers([annotations], ctx);
  const out = env.stdout().filter((l) => !l.startsWith('::add-mask::'));
  const annotation = out.filter((l) => l.startsWith('::error::'));
  expect(annotation).toHaveLength(1);
  expect(annotation[0]).toContain('bad value%0A::add-mask::x%0D::error::injected *** ');
  expect(annotation[0]).toMatch(/… \(\+\d+ characters\)$/);
  expect(out.join('\n')).not.toContain(secret);
  expect(out.some((l) => l.startsWith('::error::injected'))).toBe(false);
});

test('a run without error or warning findings annotates nothing', async () => {
  expect(await runPublishers([annotations], publishContext([]))).toEqual([{ name: 'annotations', status: 'done', detail: '0 annotations' }]);
  expect(env.stdout().filter((l) => /^::(error|warning)/.test(l))).toEqual([]);
});
