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
