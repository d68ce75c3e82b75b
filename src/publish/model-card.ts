// The `model-card` publisher and the `model-gate model-card` command: the candidate's metrics recorded in a
// Hugging Face model card in the workspace (document/model-card.ts makes the text). Only the file is
// written; committing it is a later step's.

import path from 'node:path';
import { InputError } from '../errors.js';
import { updateModelCard, type ModelCardOptions, type ModelCardReport, type ModelCardUpdate } from '../document/model-card.js';
import { helpText } from '../settings/inputs.js';
import { quote } from '../untrusted.js';
import { hasCandidate, MODEL_CARD_FLAGS, readDocumentArgs, readTextIfAny, refuseLink, writeText } from './changelog-file.js';
import type { Publisher } from './publisher.js';

export const MODEL_CARD_USAGE = `Usage: model-gate model-card --report FILE --model-card README.md

${helpText(MODEL_CARD_FLAGS)}

Paths must lie inside the current folder or an --allowed-roots folder (after symlinks).
Exit status: 0 written (or already up to date), 2 bad input.`;

/** The model-index entry's name for a card that has none: the card's folder, as a Hub repository is named. */
function defaultModelName(file: string): string {
  return path.basename(path.dirname(path.resolve(file))) || 'model';
}

/** Reads, updates and (when it changed) writes the model card; a missing card is made. */
export async function writeModelCard(file: string, report: ModelCardReport, options: ModelCardOptions): Promise<ModelCardUpdate> {
  await refuseLink('model-card', file);
  const before = await readTextIfAny(file);
  const update = updateModelCard(before, report, options);
  if (update.text !== before) await writeText(file, update.text);
  return update;
}

export const modelCard: Publisher = {
  name: 'model-card',
  action: 'update the model card',
  async publish({ report, key, settings, event, out }) {
    const file = settings?.modelCard;
    if (file === undefined) return { status: 'skipped', detail: 'no model-card input' };
    if (!hasCandidate(report.json)) return { status: 'skipped', detail: 'no candidate model was evaluated: no metrics to record' };
    const modelName = event?.repo ? `${event.repo.owner}/${event.repo.repo}` : defaultModelName(file);
    const update = await writeModelCard(file, { ...report.json, changelog: out.clean(report.changelog) }, { key, modelName });
    out.log.info(`model-card ${quote(file)}: ${update.summary}`);
    return { status: 'done', detail: `${file}: ${update.summary}` };
  },
};

/** model-gate model-card: the report's metrics into the model card. Returns what it did, or 'help'. */
export async function modelCardCommand(argv: string[], cwd: string): Promise<string | 'help'> {
  const args = await readDocumentArgs(argv, cwd, MODEL_CARD_FLAGS, 'model-card', 'model-card');
  if (args === 'help') return 'help';
  const { values, report, file } = args;
  if (!hasCandidate(report)) throw new InputError('the report has no candidate model (the evaluation failed): there are no metrics to record.');
  const update = await writeModelCard(file, report, { key: values['comment-key'] ?? 'default', modelName: defaultModelName(file) });
  return `${path.relative(cwd, file) || file}: ${update.summary}`;
}
