// What changed in a model beside how well it does, as its callers see it: the comparison of the candidate's
// facts (types.ts Facts, computed by each engine at load: engines/facts.ts) with a baseline's; the
// semantic-version bump that change suggests; and what the report says about the columns each model was fed.

import { normaliseDtype } from '../engines/facts.js';
import type { Dim, Facts, FeatureOrder, Finding, ModelMeasurement, TensorFacts } from '../types.js';
import { nameList, quote } from '../untrusted.js';

export type { Dim, Facts, TensorFacts } from '../types.js';

export interface FactsComparison {
  /** candidate − baseline. */
  parametersDelta: number;
  fileBytesDelta: number;
  /**
   * A change callers must follow: the format, the number, shape, dtype or output activation of inputs or
   * outputs, their names where callers bind by name, or the classes or their order.
   */
  signatureChanged: boolean;
  /** One line per breaking difference, e.g. "input x: shape [null, 7] → [null, 8]". */
  changes: string[];
  /** Differences callers do not see, e.g. a layers model's last layer renamed. */
  notes: string[];
}

export type VersionBump = 'major' | 'minor' | 'patch';

// --- Comparison ---------------------------------------------------------------------------------------

/** A dynamic dimension: null, negative (−1), or symbolic (a name, "?"). All dynamic dims are equal. */
const dynamic = (d: Dim): boolean => d === null || typeof d === 'string' || d < 0;
const dimsEqual = (a: Dim, b: Dim): boolean => (dynamic(a) && dynamic(b)) || a === b;
const shapesEqual = (a: Dim[], b: Dim[]): boolean => a.length === b.length && a.every((d, i) => dimsEqual(d, b[i]));
const showShape = (s: Dim[]): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;

/**
 * What changed from baseline to candidate, as callers see it. A change of format (another runtime), of the
 * number, shape (a dynamic dim — null, −1 or symbolic — equals any other dynamic dim, never a fixed size) or
 * dtype of inputs or outputs, of a known output activation (probabilities becoming logits breaks callers as
 * surely as a shape does), or of the classes or their order is breaking.
 * Names count only where both models bind by name (ONNX, TF.js graph models): there inputs and outputs are
 * matched by name, left-over ones paired by position as renames. A TF.js layers model is called by position,
 * so its inputs and outputs are paired by position and a layer renamed inside it is only a note.
 */
export function compareFacts(candidate: Facts, baseline: Facts): FactsComparison {
  const changes: string[] = [];
  const notes: string[] = [];
  if (candidate.format !== baseline.format) changes.push(`format ${baseline.format} → ${candidate.format} (callers load it with another runtime)`);
  const byName = candidate.bindsByName && baseline.bindsByName;
  for (const [kind, cand, base] of [['input', candidate.inputs, baseline.inputs], ['output', candidate.outputs, baseline.outputs]] as const) {
    const side = byName ? compareByName(kind, cand, base) : compareByPosition(kind, cand, base);
    changes.push(...side.changes);
    // Across formats the format change says it all: names from another runtime are no rename.
    if (candidate.format === baseline.format) notes.push(...side.notes);
  }
  const classes = compareClasses(candidate.classes, baseline.classes);
  if (classes !== undefined) changes.push(classes);
  return {
    parametersDelta: candidate.parameters - baseline.parameters,
    fileBytesDelta: candidate.fileBytes - baseline.fileBytes,
    signatureChanged: changes.length > 0,
    changes,
    notes,
  };
}

type Side = { changes: string[]; notes: string[] };

function compareByName(kind: 'input' | 'output', cand: TensorFacts[], base: TensorFacts[]): Side {
  const changes: string[] = [];
  const candNames = new Set(cand.map((t) => t.name));
  const baseNames = new Set(base.map((t) => t.name));
  const pairs: [TensorFacts, TensorFacts][] = [];
  for (const b of base) {
    const c = cand.find((t) => t.name === b.name);
    if (c !== undefined) pairs.push([b, c]);
  }
  const baseLeft = base.filter((t) => !candNames.has(t.name));
  const candLeft = cand.filter((t) => !baseNames.has(t.name));
  const renamed = Math.min(baseLeft.length, candLeft.length);
  for (let i = 0; i < renamed; i++) {
    changes.push(`${kind} renamed ${baseLeft[i].name} → ${candLeft[i].name}`);
    pairs.push([baseLeft[i], candLeft[i]]);
  }
  for (const b of baseLeft.slice(renamed)) changes.push(`${kind} ${b.name} removed (was ${showShape(b.shape)} ${b.dtype})`);
  for (const c of candLeft.slice(renamed)) changes.push(`${kind} ${c.name} added (${showShape(c.shape)} ${c.dtype})`);
  for (const [b, c] of pairs) changes.push(...tensorChanges(kind, b, c));
  return { changes, notes: [] };
}

/** A model called by position: the i-th input (output) of one against the i-th of the other; names are notes. */
function compareByPosition(kind: 'input' | 'output', cand: TensorFacts[], base: TensorFacts[]): Side {
  const changes: string[] = [];
  const notes: string[] = [];
  const paired = Math.min(cand.length, base.length);
  for (let i = 0; i < paired; i++) {
    const [b, c] = [base[i], cand[i]];
    if (b.name !== c.name) notes.push(`${kind} layer renamed ${b.name} → ${c.name} (not breaking: a layers model is called by position)`);
    changes.push(...tensorChanges(kind, b, c));
  }
  for (const b of base.slice(paired)) changes.push(`${kind} ${b.name} removed (was ${showShape(b.shape)} ${b.dtype})`);
  for (const c of cand.slice(paired)) changes.push(`${kind} ${c.name} added (${showShape(c.shape)} ${c.dtype})`);
  return { changes, notes };
}

function tensorChanges(kind: 'input' | 'output', b: TensorFacts, c: TensorFacts): string[] {
  const changes: string[] = [];
  if (!shapesEqual(b.shape, c.shape)) changes.push(`${kind} ${c.name}: shape ${showShape(b.shape)} → ${showShape(c.shape)}`);
  if (normaliseDtype(b.dtype) !== normaliseDtype(c.dtype)) changes.push(`${kind} ${c.name}: dtype ${b.dtype} → ${c.dtype}`);
  if (b.activation !== undefined && c.activation !== undefined && b.activation !== c.activation) {
    changes.push(`${kind} ${c.name}: activation ${b.activation} → ${c.activation}`);
  }
  return changes;
}

/** Classes named by both models' metadata: a different set or order means each output column means something else. */
function compareClasses(cand: string[] | undefined, base: string[] | undefined): string | undefined {
  if (cand === undefined || base === undefined) return undefined;
  if (cand.length === base.length && cand.every((c, i) => c === base[i])) return undefined;
  const sameSet = cand.length === base.length && cand.every((c) => base.includes(c));
  return `classes ${sameSet ? 'reordered' : 'changed'}: ${nameList(base)} → ${nameList(cand)}`;
}

/**
 * The semantic-version bump a change suggests, treating the model's signature as its API:
 * - major: the signature changed (see compareFacts: format, inputs/outputs added, removed, reshaped or retyped,
 *   renamed where callers bind by name, an output activation, the classes or their order): callers must change.
 * - minor: same signature, and no metric regressed (and, when anyMetricImproved is given, at least one
 *   improved): a drop-in improvement.
 * - patch: same signature otherwise — a retrain that regressed somewhere, or changed nothing measurable.
 *   The gate itself decides whether the regression is acceptable; this only names the version.
 */
export function suggestedVersionBump(changes: { signatureChanged: boolean; anyMetricRegressed: boolean; anyMetricImproved?: boolean }): VersionBump {
  if (changes.signatureChanged) return 'major';
  if (!changes.anyMetricRegressed && (changes.anyMetricImproved ?? true)) return 'minor';
  return 'patch';
}

// --- Columns fed --------------------------------------------------------------------------------------

const ORDER_WORDS: Record<FeatureOrder, string> = {
  settings: 'in the order of the `features` / `inputs` setting',
  model: "in the order of the model's own metadata",
  file: "in the data file's column order",
};

/**
 * What the report says about the columns each model was fed (ModelMeasurement.features):
 * - info, per model fed in the data file's order: nothing pins it, so a file with its columns reordered
 *   would feed the model the wrong values with no error;
 * - against each baseline fed other columns or another order than the candidate: a warning when either is
 *   fed in file order (one of them is likely fed the wrong values), else info (each model names its own
 *   columns in its metadata, so each got what it declares: a deliberate change).
 */
export function featureFindings(models: ModelMeasurement[]): Finding[] {
  const findings: Finding[] = [];
  const fed = models.filter((m) => m.features !== undefined && m.featureOrder !== undefined);
  for (const m of fed.filter((x) => x.featureOrder === 'file')) {
    findings.push({
      kind: 'feature_order',
      severity: 'info',
      message:
        `Model ${quote(m.name)} was fed the data's columns in file order (${nameList(m.features!)}): neither its metadata nor \`features\` pins them. ` +
        'A data file with its columns in another order would feed it the wrong values without an error; list them with `features`, or in the model\'s metadata (README: "Which columns a model takes").',
    });
  }
  const cand = fed.find((m) => m.role === 'candidate');
  if (cand === undefined) return findings;
  for (const base of fed.filter((m) => m.role === 'baseline')) {
    const [a, b] = [cand.features!, base.features!];
    if (a.length === b.length && a.every((c, i) => c === b[i])) continue;
    const sameSet = a.length === b.length && a.every((c) => b.includes(c));
    const unpinned = cand.featureOrder === 'file' || base.featureOrder === 'file';
    const what = sameSet ? 'the same columns in another order' : 'different columns';
    findings.push({
      kind: 'feature_mismatch',
      severity: unpinned ? 'warning' : 'info',
      message:
        `The candidate and ${quote(base.name)} were fed ${what}: the candidate ${nameList(a)} (${ORDER_WORDS[cand.featureOrder!]}), ` +
        `${quote(base.name)} ${nameList(b)} (${ORDER_WORDS[base.featureOrder!]}). ` +
        (unpinned
          ? 'One of them is likely fed the wrong values: pin each model\'s columns with `features` or in its metadata.'
          : 'Each model names its own columns in its metadata, so each got what it declares.'),
    });
  }
  return findings;
}
