import { parseThresholdsYaml, thresholdsFrom } from '../../src/settings/thresholds.js';

test('parses every rule kind, kebab-case keys', () => {
  const t = parseThresholdsYaml('accuracy: { min: 0.8, max-drop: 0.02 }\nlog_loss:\n  max: 0.5\n  max-relative-drop: 0.1\n  severity: warn\n', 'in');
  expect(t).toEqual({
    accuracy: { min: 0.8, maxDrop: 0.02, severity: 'fail' },
    log_loss: { max: 0.5, maxRelativeDrop: 0.1, severity: 'warn' },
  });
});

test('empty text means no thresholds', () => {
  expect(parseThresholdsYaml('  \n', 'in')).toEqual({});
});

test('malformed YAML names the input, line and column', () => {
  expect(() => parseThresholdsYaml('accuracy: { min: 0.8\nf1: 1', 'the thresholds input')).toThrow(/^the thresholds input:\d+:\d+: the thresholds are not valid YAML/);
});

test('bad rules say what is allowed', () => {
  expect(() => thresholdsFrom({ accuracy: 0.8 }, 'x')).toThrow(/must be a mapping with min, max, max-drop or max-relative-drop/);
  expect(() => thresholdsFrom({ accuracy: { minimum: 0.8 } }, 'x')).toThrow(/unknown key "minimum"/);
  expect(() => thresholdsFrom({ accuracy: { min: 'high' } }, 'x')).toThrow(/min for "accuracy" must be a finite number/);
  expect(() => thresholdsFrom({ accuracy: { 'max-drop': -1 } }, 'x')).toThrow(/zero or more/);
  expect(() => thresholdsFrom({ accuracy: { severity: 'panic' } }, 'x')).toThrow(/severity/);
  expect(() => thresholdsFrom(['accuracy'], 'x')).toThrow(/mapping of metric names/);
});

test('if-missing: warn or fail (absent means fail); anything else is named', () => {
  expect(parseThresholdsYaml('mse: { max: 20, if-missing: warn }\nr2: { min: 0.5, if-missing: fail }\n', 'in')).toEqual({
    mse: { max: 20, severity: 'fail', ifMissing: 'warn' },
    r2: { min: 0.5, severity: 'fail', ifMissing: 'fail' },
  });
  expect(() => thresholdsFrom({ mse: { 'if-missing': 'ignore' } }, 'x')).toThrow('x: if-missing for "mse" must be "fail" or "warn", not "ignore".');
  expect(() => thresholdsFrom({ mse: { 'if-missng': 'warn' } }, 'x')).toThrow(/unknown key "if-missng".*severity or if-missing\.$/);
});

test('a rule value from the config is quoted and shortened in the message', () => {
  expect(() => thresholdsFrom({ accuracy: { min: `high\n::error::x${'y'.repeat(5000)}` } }, 'x')).toThrow(/^x: min for "accuracy" must be a finite number, not "high\\n::error::xy+… \(\+4815 characters\)"\.$/);
});
