// Reading a file's bytes into a buffer, for the readers that need them in place (read.ts, npz-file.ts).

import type { FileHandle } from 'node:fs/promises';

/** The most one read asks for: Node aborts the process (not an exception) when a read's length is not a 32-bit integer. */
const MAX_READ_BYTES = 2 ** 30;

/** Fills `bytes` from `position` on, in as many reads as it takes; returns how many arrived (fewer at the end of the file). */
export async function readFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await file.read(bytes, done, Math.min(MAX_READ_BYTES, bytes.length - done), position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
