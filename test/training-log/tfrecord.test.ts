import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../src/errors.js';
import { readEventFileScalars } from '../../src/training-log/tensorboard.js';
import { looksLikeTfRecord, readTfRecords } from '../../src/training-log/tfrecord.js';
import { concat, tfrecord } from './proto-encode.js';

const dir = 'fixtures/training-logs/overfit/logs/validation';
const file = join(dir, readdirSync(dir).find((f) => f.includes('tfevents'))!);
const original = new Uint8Array(readFileSync(file));

describe('TFRecord framing on a real event file', () => {
  test('reads every record, back to back, with no warning', () => {
    const { records, warnings } = readTfRecords(original, file);
    expect(warnings).toEqual([]);
    expect(records.length).toBe(121); // file_version + 120 epochs
    expect(records[0]!.offset).toBe(0);
    let expected = 0;
    for (const r of records) {
      expect(r.offset).toBe(expected);
      expected += 16 + r.data.length;
    }
    expect(expected).toBe(original.length);
    expect(looksLikeTfRecord(original)).toBe(true);
  });

  test('a flipped data byte is a corrupt record, named by its byte offset', () => {
    const { records } = readTfRecords(original, file);
    const victim = records[40]!;
    const bytes = original.slice();
    bytes[victim.offset + 12 + 3]! ^= 0x01;
    const read = (): unknown => readTfRecords(bytes, file);
    expect(read).toThrow(DataError);
    expect(read).toThrow(`${file}: corrupt record at byte offset ${victim.offset}: the CRC of its ${victim.data.length} data bytes (from byte offset ${victim.offset + 12}) does not match`);
  });

  test('a damaged length field is caught by the length CRC before it is trusted', () => {
    const { records } = readTfRecords(original, file);
    const victim = records[7]!;
    const bytes = original.slice();
    bytes[victim.offset + 1] = 0x7f; // a huge length
    expect(() => readTfRecords(bytes, file)).toThrow(`${file}: corrupt record at byte offset ${victim.offset}: the CRC of its length field does not match`);
    const bad = original.slice();
    bad[victim.offset + 9]! ^= 0xff; // the stored CRC itself
    expect(() => readTfRecords(bad, file)).toThrow(/corrupt record at byte offset \d+: the CRC of its length field/);
    expect(looksLikeTfRecord(new TextEncoder().encode('epoch,loss\n0,1\n'))).toBe(false);
  });

  test('a file cut inside a record (still being written) keeps the complete records and warns with the offset', () => {
    const { records } = readTfRecords(original, file);
    const last = records.at(-1)!;
    // cut inside the last record's data, inside its footer, and inside its 12-byte header
    for (const cut of [last.offset + 20, original.length - 1, last.offset + 5]) {
      const { records: got, warnings } = readTfRecords(original.subarray(0, cut), file);
      expect(got.length).toBe(records.length - 1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${file}: truncated record at byte offset ${last.offset}:`);
      expect(warnings[0]).toContain(`read ${records.length - 1} complete records before it`);
    }
    expect(readTfRecords(original.subarray(0, 0), file)).toEqual({ records: [], warnings: [] });
  });

  test('the scalar reader passes the truncation warning on and keeps the values before it', () => {
    const { records } = readTfRecords(original, file);
    const cut = original.subarray(0, records.at(-1)!.offset + 30);
    const { scalars, warnings } = readEventFileScalars(cut, file);
    expect(scalars.filter((s) => s.tag === 'epoch_loss').map((s) => s.step)).toEqual([...Array(119).keys()]);
    expect(warnings.join('\n')).toMatch(/truncated record at byte offset \d+/);
  });

  test('a record whose CRCs are fine but whose payload is not an Event names the record', () => {
    const { records } = readTfRecords(original, file);
    const offset = records[1]!.offset;
    const junk = new Uint8Array([0x0e, 0x01]); // field 1, wire type 6: invalid
    const bytes = concat([original.subarray(0, offset), tfrecord(junk)]);
    expect(() => readEventFileScalars(bytes, file)).toThrow(
      `${file}: the record at byte offset ${offset} is not a valid Event protobuf: invalid wire type 6 for field 1 at byte offset ${offset + 12}`
    );
  });
});
