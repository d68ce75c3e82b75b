// The message of the InputError a promise rejects with; anything else fails the test.

import { InputError } from '../../src/errors.js';

export async function inputError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`);
  return e.message;
}
