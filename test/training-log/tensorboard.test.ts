import { DataError } from '../../src/errors.js';
import { readEventFileScalars, seriesName, tensorBoardLog } from '../../src/training-log/tensorboard.js';
import { concat, encode, event, fileVersion, simple, tensorValue, tfrecord } from './proto-encode.js';

const file = (...events: Uint8Array[]): Uint8Array => concat([tfrecord(fileVersion()), ...events.map(tfrecord)]);
const floatContent = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
};
const scalarTensor = (v: number) => [
  { n: 1, varint: 1 },
  { n: 2, bytes: [] },
  { n: 4, bytes: floatContent(v) }
];

describe('Keras names', () => {
  test.each([
    ['train', 'epoch_loss', 'loss'],
    ['validation', 'epoch_loss', 'val_loss'],
    ['validation', 'epoch_sparse_categorical_accuracy', 'val_sparse_categorical_accuracy'],
    ['train', 'epoch_learning_rate', 'learning_rate'],
    ['train', 'batch_loss', 'train/batch_loss'],
    ['validation', 'evaluation_loss_vs_iterations', 'validation/evaluation_loss_vs_iterations'],
    ['', 'epoch_loss', 'epoch_loss'],
    ['run1/train', 'epoch_loss', 'run1/loss'],
    ['run1/eval', 'epoch_loss', 'run1/eval/epoch_loss'],
    ['train', 'epoch_', 'train/epoch_']
  ])('%s + %s → %s', (run, tag, name) => {
    expect(seriesName(run, tag)).toBe(name);
  });
});

describe('scalars in event files', () => {
  test('TF2 tensors count once the tag is known to be a scalars-plugin tag, also without metadata later', () => {
    const bytes = file(
      event(0, 10, [tensorValue('epoch_loss', scalarTensor(0.5), 'scalars')]),
      event(1, 11, [tensorValue('epoch_loss', scalarTensor(0.25))]),
      event(0, 12, [tensorValue('images', [{ n: 1, varint: 7 }, { n: 8, bytes: 'png' }], 'images')]),
      event(1, 13, [tensorValue('hist', [{ n: 1, varint: 1 }, { n: 2, bytes: [{ n: 2, bytes: [{ n: 1, varint: 2 }] }] }, { n: 5, bytes: new Uint8Array(8) }], 'histograms')]),
      event(2, 14, [tensorValue('untagged', [{ n: 1, varint: 2 }, { n: 6, double: 0.125 }])])
    );
    const { scalars, warnings } = readEventFileScalars(bytes, 'f');
    expect(warnings).toEqual([]);
    expect(scalars).toEqual([
      { tag: 'epoch_loss', step: 0, value: 0.5, wallTime: 10 },
      { tag: 'epoch_loss', step: 1, value: 0.25, wallTime: 11 },
      { tag: 'untagged', step: 2, value: 0.125, wallTime: 14 }
    ]);
  });

  test('a scalars-plugin tag holding a vector is skipped with one warning', () => {
    const vector = [{ n: 1, varint: 1 }, { n: 2, bytes: [{ n: 2, bytes: [{ n: 1, varint: 2 }] }] }, { n: 5, float: 1 }, { n: 5, float: 2 }];
    const bytes = file(event(3, 1, [tensorValue('odd', vector, 'scalars')]), event(4, 2, [tensorValue('odd', vector)]));
    const { scalars, warnings } = readEventFileScalars(bytes, 'f');
    expect(scalars).toEqual([]);
    expect(warnings).toEqual(['f: tag "odd" (scalars plugin) at step 3 holds a tensor that is not one number (dtype 1, shape [2]); its values were skipped']);
  });

  test('a file that does not start with file_version still reads, with a warning', () => {
    const bytes = concat([tfrecord(event(1, 1, [simple('loss', 2)]))]);
    const { scalars, warnings } = readEventFileScalars(bytes, 'f');
    expect(scalars).toHaveLength(1);
    expect(warnings[0]).toMatch(/first record is not a "brain.Event:" file_version event/);
  });

  test('restarts: a step written again keeps the later wall time, whichever file it is in', () => {
    const first = file(event(0, 100, [simple('epoch_loss', 1)]), event(1, 101, [simple('epoch_loss', 0.9)]), event(2, 102, [simple('epoch_loss', 0.8)]));
    const resumed = file(event(1, 200, [simple('epoch_loss', 0.85)]), event(2, 201, [simple('epoch_loss', 0.75)]));
    const log = tensorBoardLog('logs', [
      { run: 'train', path: 'logs/train/b', bytes: resumed },
      { run: 'train', path: 'logs/train/a', bytes: first }
    ]);
    expect(log.series['loss']).toEqual([
      { step: 0, value: 1, wallTime: 100 },
      { step: 1, value: Math.fround(0.85), wallTime: 200 },
      { step: 2, value: 0.75, wallTime: 201 }
    ]);
  });

  test('plugin memory is per run: the same tag in another folder is judged on its own', () => {
    const train = file(event(0, 1, [tensorValue('epoch_loss', [{ n: 1, varint: 7 }, { n: 8, bytes: 'x' }], 'text')]));
    const validation = file(event(0, 1, [tensorValue('epoch_loss', scalarTensor(0.5))]));
    const log = tensorBoardLog('logs', [
      { run: 'train', path: 't', bytes: train },
      { run: 'validation', path: 'v', bytes: validation }
    ]);
    expect(Object.keys(log.series)).toEqual(['val_loss']);
  });

  test('large and negative steps survive', () => {
    const bytes = file(event(2 ** 40, 1, [simple('s', 1)]), event(-1, 2, [simple('s', 2)]));
    expect(readEventFileScalars(bytes, 'f').scalars.map((s) => s.step)).toEqual([2 ** 40, -1]);
  });

  test('event files with no scalars are an error naming the source', () => {
    const bytes = file(encode([{ n: 1, double: 1 }, { n: 4, bytes: new Uint8Array([1, 2]) }]));
    expect(() => tensorBoardLog('logs', [{ run: '', path: 'f', bytes }])).toThrow(DataError);
    expect(() => tensorBoardLog('logs', [{ run: '', path: 'f', bytes }])).toThrow('logs: no scalar summaries in 1 event file(s)');
  });
});
