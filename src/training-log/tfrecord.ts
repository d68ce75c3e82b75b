// TFRecord framing, the container of TensorBoard event files. Pure; no I/O.
//
// Each record is
//   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
// Both CRCs are checked. A bad CRC is a DataError naming the record's byte offset: the bytes are
// damaged and nothing after them can be trusted. A file that ends inside a record is different: a
// writer that is still running (or was killed) leaves exactly that, so the records before it are
// returned with a warning.

import { at, DataError } from '../errors.js';
import { maskedCrc32c } from './crc32c.js';

export const TFRECORD_HEADER_BYTES = 12;
export const TFRECORD_FOOTER_BYTES = 4;

export interface TfRecord {
  /** Byte offset of the record's length field in the file. */
  offset: number;
  /** The payload (a view into the file's bytes). Its first byte is at offset + 12. */
  data: Uint8Array;
}

export interface TfRecordRead {
  records: TfRecord[];
  warnings: string[];
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Whether bytes start with a TFRecord header whose length CRC checks out (used to sniff a file's format). */
export function looksLikeTfRecord(bytes: Uint8Array): boolean {
  if (bytes.length < TFRECORD_HEADER_BYTES) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(8, true) === maskedCrc32c(bytes, 0, 8);
}

/** Splits a TFRecord file into records. `source` names the file in messages. */
export function readTfRecords(bytes: Uint8Array, source: string): TfRecordRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: TfRecord[] = [];
  const warnings: string[] = [];
  const n = bytes.length;
  let pos = 0;
  while (pos < n) {
    const left = n - pos;
    if (left < TFRECORD_HEADER_BYTES) {
      warnings.push(
        `${at(source)}: truncated record at byte offset ${pos}: the file ends ${left} bytes into its ${TFRECORD_HEADER_BYTES}-byte header; ` +
          `read ${records.length} complete records before it (the file may still be being written)`
      );
      break;
    }
    const storedLengthCrc = view.getUint32(pos + 8, true);
    const lengthCrc = maskedCrc32c(bytes, pos, pos + 8);
    if (storedLengthCrc !== lengthCrc) {
      throw new DataError(
        `${at(source)}: corrupt record at byte offset ${pos}: the CRC of its length field does not match ` +
          `(stored ${hex(storedLengthCrc)}, computed ${hex(lengthCrc)}) — the file is damaged or not a TFRecord/TensorBoard event file`
      );
    }
    const length = view.getUint32(pos + 4, true) * 4294967296 + view.getUint32(pos, true);
    const total = TFRECORD_HEADER_BYTES + length + TFRECORD_FOOTER_BYTES;
    if (total > left) {
      warnings.push(
        `${at(source)}: truncated record at byte offset ${pos}: it needs ${total} bytes but the file ends after ${left}; ` +
          `read ${records.length} complete records before it (the file may still be being written)`
      );
      break;
    }
    const dataStart = pos + TFRECORD_HEADER_BYTES;
    const dataEnd = dataStart + length;
    const storedDataCrc = view.getUint32(dataEnd, true);
    const dataCrc = maskedCrc32c(bytes, dataStart, dataEnd);
    if (storedDataCrc !== dataCrc) {
      throw new DataError(
        `${at(source)}: corrupt record at byte offset ${pos}: the CRC of its ${length} data bytes (from byte offset ${dataStart}) does not match ` +
          `(stored ${hex(storedDataCrc)}, computed ${hex(dataCrc)}) — the file is damaged`
      );
    }
    records.push({ offset: pos, data: bytes.subarray(dataStart, dataEnd) });
    pos += total;
  }
  return { records, warnings };
}
