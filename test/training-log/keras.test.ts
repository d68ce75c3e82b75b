import { DataError, InputError } from '../../src/errors.js';
import { readKerasCsv } from '../../src/training-log/keras-csv.js';
import { readKerasHistory } from '../../src/training-log/keras-history.js';
import { parsePythonJson } from '../../src/training-log/python-json.js';

const values = (pts: { value: number }[] | undefined): number[] => (pts ?? []).map((p) => p.value);
const steps = (pts: { step: number }[] | undefined): number[] => (pts ?? []).map((p) => p.step);

describe('Python JSON', () => {
  test('bare NaN, Infinity and -Infinity as json.dump writes them; strings are left alone', () => {
    const v = parsePythonJson('{"loss": [0.5, NaN, Infinity, -Infinity, -0.25e1], "note": "NaN \\"x\\" \\u00e9"}', 'h.json') as Record<string, unknown>;
    expect(v['loss']).toEqual([0.5, NaN, Infinity, -Infinity, -2.5]);
    expect(v['note']).toBe('NaN "x" é');
  });
  test('errors carry line and column', () => {
    expect(() => parsePythonJson('{\n  "loss": [0.1,\n  nan]\n}', 'h.json')).toThrow('h.json:3:3: invalid JSON: unexpected character "n"');
    expect(() => parsePythonJson('{"a": 1} x', 'h.json')).toThrow('h.json:1:10: invalid JSON: unexpected character "x" after the JSON value');
    expect(() => parsePythonJson('{"a": [1, 2', 'h.json')).toThrow(/h\.json:1:12: invalid JSON: expected ',' or '\]', found end of file/);
  });
  test('"__proto__" is an ordinary key', () => {
    const v = parsePythonJson('{"__proto__": [1], "loss": [2]}', 'h.json') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__', 'loss']);
    expect(({} as Record<string, unknown>)['loss']).toBeUndefined();
  });
});

describe('Keras History JSON', () => {
  test('json.dump(history.history): epochs 0..n-1, NaN kept', () => {
    const log = readKerasHistory('{"loss": [0.9, 0.5, NaN], "val_loss": [1.0, 0.7, 0.8]}', 'h.json');
    expect(log.format).toBe('keras-history');
    expect(steps(log.series['loss'])).toEqual([0, 1, 2]);
    expect(values(log.series['loss'])).toEqual([0.9, 0.5, NaN]);
    expect(log.warnings).toBeUndefined();
  });

  test('{"history": {...}, "epoch": [...]}: the epochs given (a resumed fit with initial_epoch)', () => {
    const log = readKerasHistory('{"history": {"loss": [0.4, 0.3]}, "epoch": [10, 11], "params": {"epochs": 12}}', 'h.json');
    expect(log.series['loss']).toEqual([
      { step: 10, value: 0.4 },
      { step: 11, value: 0.3 }
    ]);
  });

  test('validation_freq: a shorter val list lands on the epochs Keras validated', () => {
    const log = readKerasHistory('{"loss": [6, 5, 4, 3, 2, 1], "val_loss": [5.5, 3.5, 1.5]}', 'h.json');
    expect(steps(log.series['val_loss'])).toEqual([1, 3, 5]);
    expect(log.warnings?.[0]).toMatch(/"val_loss" has 3 values for 6 epochs; placed on every 2nd epoch \(1, 3, …\)/);
  });

  test('non-numeric entries are skipped with a warning; nothing numeric is an error', () => {
    const log = readKerasHistory('{"loss": [1, 0.5], "lr_schedule": "cosine", "per_class": [[1, 2], [3, 4]]}', 'h.json');
    expect(Object.keys(log.series)).toEqual(['loss']);
    expect(log.warnings).toHaveLength(2);
    expect(() => readKerasHistory('[1, 2]', 'h.json')).toThrow(DataError);
    expect(() => readKerasHistory('{"model": "x"}', 'h.json')).toThrow(/no metric lists found/);
    expect(() => readKerasHistory('{"history": {"loss": [1, 2, 3]}, "epoch": [0]}', 'h.json')).toThrow(/"loss" has 3 values but there are only 1 epochs/);
  });
});

describe('Keras CSVLogger', () => {
  test('the default layout, Python float spellings', () => {
    const text = 'epoch,accuracy,loss,val_loss\n0,0.5,0.6931471824645996,nan\n1,0.75,inf,-inf\n2,1.0,1e-05,0.25\n';
    const log = readKerasCsv(text, 'training.csv');
    expect(log.format).toBe('keras-csv');
    expect(values(log.series['loss'])).toEqual([0.6931471824645996, Infinity, 1e-5]);
    expect(values(log.series['val_loss'])).toEqual([NaN, -Infinity, 0.25]);
    expect(log.warnings).toBeUndefined();
  });

  test('append=True after a restart: repeated epochs keep the last row; a repeated header is skipped', () => {
    const text = [
      'epoch,loss,val_loss',
      '0,0.9,0.95',
      '1,0.8,0.85',
      '2,0.7,0.80',
      '3,0.6,0.79',
      'epoch,loss,val_loss',
      '2,0.71,0.81',
      '3,0.61,0.78',
      '4,0.5,0.77',
      ''
    ].join('\r\n');
    const log = readKerasCsv(text, 'training.csv');
    expect(log.series['loss']).toEqual([
      { step: 0, value: 0.9 },
      { step: 1, value: 0.8 },
      { step: 2, value: 0.71 },
      { step: 3, value: 0.61 },
      { step: 4, value: 0.5 }
    ]);
    expect(log.warnings).toEqual(['training.csv: 2 epoch(s) appear more than once (2, 3), as when a resumed run appends to its log; the last row of each was kept']);
  });

  test('separator option, quoted fields, a cut-off last line and a list-valued column', () => {
    const text = 'epoch;loss;"per;class"\n0;0.5;"[0.1, 0.2]"\n1;0.25;"[0.3, 0.4]"\n2;0.1\n';
    const log = readKerasCsv(text, 'log.csv', { separator: ';' });
    expect(Object.keys(log.series)).toEqual(['loss']);
    expect(values(log.series['loss'])).toEqual([0.5, 0.25]);
    expect(log.warnings).toEqual([
      'log.csv:4: 2 fields where the header has 3; row skipped',
      'log.csv:2: column "per;class" holds "[0.1, 0.2]", not a number; column skipped'
    ]);
  });

  test('names and cells from the file are quoted on one line and shortened (found by test/fuzz)', () => {
    const name = `acc\n::error::x${'y'.repeat(300)}`;
    const log = readKerasCsv(`epoch,loss,"${name}"\n0,0.5,"a\r::add-mask::b"\n`, 'log.csv');
    expect(log.warnings).toEqual([`log.csv:3: column "acc\\n::error::x${'y'.repeat(186)}… (+114 characters)" holds "a\\r::add-mask::b", not a number; column skipped`]);
    expect(() => readKerasCsv(`epoch,"${name}","${name}"\n`, 't.csv')).toThrow(`t.csv:1: column "acc\\n::error::x${'y'.repeat(186)}… (+114 characters)" appears twice`);
    const history = readKerasHistory('{"loss": [1, 2], "\\n::stop-commands::x": "text"}', 'h.json');
    expect(history.warnings).toEqual(['h.json: "\\n::stop-commands::x" is not a list of numbers; skipped']);
  });

  test('empty cells are missing points; bad input fails clearly', () => {
    const log = readKerasCsv('epoch,loss,val_loss\n0,0.5,\n1,0.4,0.45\n', 't.csv');
    expect(steps(log.series['val_loss'])).toEqual([1]);
    expect(() => readKerasCsv('', 't.csv')).toThrow(/the file is empty/);
    expect(() => readKerasCsv('epoch,loss,loss\n0,1,1\n', 't.csv')).toThrow('t.csv:1: column "loss" appears twice in the header');
    expect(() => readKerasCsv('epoch,loss\n"0,1\n', 't.csv')).toThrow('t.csv:2: unterminated quoted field');
    expect(() => readKerasCsv('epoch,loss\n', 't.csv', { separator: '::' })).toThrow(InputError);
    const noEpoch = readKerasCsv('loss\n0.3\n0.2\n', 't.csv');
    expect(steps(noEpoch.series['loss'])).toEqual([0, 1]);
    expect(noEpoch.warnings?.[0]).toMatch(/no "epoch" column/);
  });
});
