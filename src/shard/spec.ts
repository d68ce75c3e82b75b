// `shard: i/N`: which of N shards this run evaluates, and which shard a row belongs to.
//
// A row's shard is a pure function of its id, so every runner of a matrix splits the same file the same
// way without talking to the others. The id's key is the one the bootstrap hashes (MurmurHash3_x86_32 of
// the id as written, stats/resample-weights.ts exampleKeys); it is mixed with a constant of its own
// through fmix32 before `% N`, so which shard a row lands in says nothing about its Poisson weights
// (which hash the same key with the seed's words).

import { InputError } from '../errors.js';
import { createWeightKernels } from '../stats/resample-weights.js';
import { quote } from '../untrusted.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** At most this many shards: a job matrix holds 256 jobs. */
export const MAX_SHARDS = 256;

/** The fractional part of √2 (SHA-256's first constant): mixed into the id's key before the shard is taken. */
const SHARD_SALT = 0x6a09e667;

const { fmix32 } = createWeightKernels();

/** "2/3" → { index: 2, count: 3 }; anything else is an InputError naming the input. */
export function parseShard(text: string, input = 'shard'): ShardSpec {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new InputError(
      `\`${input}\` must be i/N with 1 ≤ i ≤ N ≤ ${MAX_SHARDS} (for example ${input.startsWith('--') ? `${input} 2/3` : '`shard: ${{ matrix.shard }}/3`'}), not ${quote(text)}.`,
    );
  }
  return { index, count };
}

/** The 1-based shard of a row whose id has this key (exampleKeys' MurmurHash3 of the id). */
export function shardOfKey(key: number, count: number): number {
  return (fmix32((key ^ SHARD_SALT) >>> 0) % count) + 1;
}

export function shardText(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}
