// Sharding over a job matrix (issue 14, item 5): a shard run (run.ts) records its rows' model outputs
// in a partial result (partial.ts); the merge (merge.ts) checks the shards and replays those outputs
// through the normal pipeline, which then reports exactly as the unsharded run does.

import type { ModelSource } from '../pipeline/evaluate.js';
import type { Settings } from '../settings/settings.js';
import { InputError, messageOf } from '../errors.js';
import { quote } from '../untrusted.js';
import { fileSha256, workspaceRoot } from './digest.js';
import { checkShards, replaySource, type NamedPartial } from './merge.js';
import { checkShardable } from './run.js';

export { parseShard, shardText, type ShardSpec } from './spec.js';
export { runShard, writePartial, ShardRunError } from './run.js';
export { readPartialAt, partialFromArtifactZip } from './read.js';
export type { NamedPartial } from './merge.js';

/** The merge's model source: the shards checked against each other and against this run's settings and data. */
export async function mergeSource(settings: Settings, parts: NamedPartial[], root: string = workspaceRoot()): Promise<ModelSource> {
  checkShardable(settings, 'the merge');
  const data = await hashed(settings.data, 'data');
  const train = settings.trainData === undefined ? undefined : await hashed(settings.trainData, 'train-data');
  return replaySource(checkShards(parts, settings, data, train, root), root);
}

async function hashed(file: string, input: string): Promise<string> {
  try {
    return await fileSha256(file);
  } catch (e) {
    throw new InputError(`\`${input}\` ${quote(file)} cannot be read: ${messageOf(e)}`);
  }
}
