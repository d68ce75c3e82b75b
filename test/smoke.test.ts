import { at, InputError } from '../src/errors.js';
test('at formats a location', () => {
  expect(at('a.csv', 3, 2)).toBe('a.csv:3:2');
  expect(new InputError('x').name).toBe('InputError');
});
