// The JSON report's schema (schemaVersion 1, the shape json.ts writes), as JSON Schema (draft 2020-12
// keywords), and a small validator for the keywords it uses. mode: publish checks a pull request's
// report with it before rendering anything from it: the sections the publish comment shows (verdict,
// task, data, models' names, roles and metrics, comparisons, checks, findings, changelog) are described
// field by field; the others must only have their JSON type, since nothing reads them.

/** The JSON Schema keywords this file uses, and the validator understands. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | ('object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null')[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  enum?: readonly (string | number)[];
  const?: string | number;
}

const NAME = { type: 'string', maxLength: 1000 } as const satisfies Schema;
const PROSE = { type: 'string', maxLength: 5000 } as const satisfies Schema;
const NUM_OR_NULL = { type: ['number', 'null'] } as const satisfies Schema;
const STATUS = { enum: ['pass', 'warn', 'fail', 'missing'] } as const satisfies Schema;
const INTERVAL = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } as const satisfies Schema;
const LIST_LIMIT = 10_000;

const FINDING: Schema = {
  type: 'object',
  required: ['kind', 'severity', 'message'],
  properties: {
    kind: { type: 'string', maxLength: 100 },
    severity: { enum: ['error', 'warning', 'info'] },
    message: PROSE,
    features: { type: 'array', items: NAME, maxItems: LIST_LIMIT },
  },
  additionalProperties: false,
};

const METRIC_VALUE: Schema = {
  type: 'object',
  required: ['value'],
  properties: { value: NUM_OR_NULL, ci: INTERVAL, unreliable: PROSE },
  additionalProperties: false,
};

const MODEL: Schema = {
  type: 'object',
  required: ['name', 'role', 'engine', 'backend', 'path', 'files', 'metrics'],
  properties: {
    name: NAME,
    role: { enum: ['candidate', 'baseline', 'dummy'] },
    engine: NAME,
    backend: NAME,
    path: NAME,
    files: {
      type: 'array',
      maxItems: LIST_LIMIT,
      items: { type: 'object', required: ['path', 'sha256', 'bytes'], properties: { path: NAME, sha256: NAME, bytes: { type: 'number' } }, additionalProperties: false },
    },
    metrics: { type: 'object', additionalProperties: METRIC_VALUE },
    trainMetrics: { type: 'object', additionalProperties: { type: 'object' } },
    notes: { type: 'array', items: PROSE, maxItems: LIST_LIMIT },
    facts: { type: 'object' },
    features: { type: 'array', items: NAME },
    featureOrder: { enum: ['settings', 'model', 'file'] },
    featureInputs: { type: 'object' },
    perf: { type: 'object' },
    confusionMatrix: { type: 'object' },
    perLabel: { type: 'array' },
    reliability: { type: 'array' },
  },
  additionalProperties: false,
};

const COMPARISON: Schema = {
  type: 'object',
  required: ['baseline', 'metric', 'candidate', 'baselineValue', 'delta', 'relativeDelta', 'change', 'status'],
  properties: {
    baseline: NAME,
    metric: NAME,
    candidate: NUM_OR_NULL,
    baselineValue: NUM_OR_NULL,
    delta: NUM_OR_NULL,
    relativeDelta: NUM_OR_NULL,
    ci: INTERVAL,
    pValue: { type: 'number' },
    adjustedPValue: { type: 'number' },
    familyPValue: { type: 'number' },
    primary: { type: 'boolean' },
    minEffect: { type: 'number' },
    negligible: { type: 'boolean' },
    change: { type: 'string', maxLength: 100 },
    status: STATUS,
  },
  additionalProperties: false,
};

const CHECK: Schema = {
  type: 'object',
  required: ['metric', 'value', 'status'],
  properties: { metric: NAME, value: NUM_OR_NULL, min: { type: 'number' }, max: { type: 'number' }, status: STATUS },
  additionalProperties: false,
};

export const REPORT_SCHEMA: Schema = {
  type: 'object',
  required: ['schemaVersion', 'tool', 'verdict', 'task', 'data', 'models', 'comparisons', 'checks', 'findings', 'changelog'],
  properties: {
    schemaVersion: { const: 1 },
    tool: {
      type: 'object',
      required: ['name', 'version'],
      properties: { name: { const: 'model-gate' }, version: { type: 'string', maxLength: 100 } },
      additionalProperties: false,
    },
    verdict: { enum: ['pass', 'warn', 'fail'] },
    task: { type: ['string', 'null'], maxLength: 1000 },
    classes: { type: 'array', items: NAME, maxItems: LIST_LIMIT },
    data: { type: 'object', required: ['path', 'rows'], properties: { path: NAME, rows: { type: 'integer', minimum: 0 } }, additionalProperties: false },
    models: { type: 'array', items: MODEL, maxItems: 1000 },
    uncertainty: { type: 'object' },
    trainData: { type: 'object' },
    release: { type: 'object' },
    hardware: { type: 'object' },
    generalisation: { type: 'array' },
    slices: { type: 'object' },
    drift: { type: 'object' },
    labelDrift: { type: 'object' },
    predictionDrift: { type: 'array' },
    training: { type: 'object' },
    comparisons: { type: 'array', items: COMPARISON, maxItems: LIST_LIMIT },
    checks: { type: 'array', items: CHECK, maxItems: LIST_LIMIT },
    findings: { type: 'array', items: FINDING, maxItems: LIST_LIMIT },
    changelog: { type: 'string', maxLength: 20_000 },
  },
  additionalProperties: false,
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/**
 * Where `value` breaks `schema`: one line per problem, as "$.models[0].role: must be one of …", at most
 * `max` of them; empty when it is valid. Paths and values are the caller's to quote: keys are shown as
 * JSON strings and values are not shown at all.
 */
export function validateAgainst(value: unknown, schema: Schema, max = 10): string[] {
  const problems: string[] = [];
  const visit = (v: unknown, s: Schema, at: string): void => {
    if (problems.length >= max) return;
    if (s.const !== undefined && v !== s.const) {
      problems.push(`${at}: must be ${JSON.stringify(s.const)}`);
      return;
    }
    if (s.enum !== undefined && !s.enum.includes(v as string | number)) {
      problems.push(`${at}: must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
      return;
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => typeMatches(v, t))) {
        problems.push(`${at}: must be ${types.join(' or ')}, not ${typeOf(v)}`);
        return;
      }
    }
    if (typeof v === 'string' && s.maxLength !== undefined && v.length > s.maxLength) problems.push(`${at}: longer than ${s.maxLength} characters`);
    if (typeof v === 'number' && s.minimum !== undefined && v < s.minimum) problems.push(`${at}: below ${s.minimum}`);
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < s.minItems) problems.push(`${at}: fewer than ${s.minItems} items`);
      if (s.maxItems !== undefined && v.length > s.maxItems) problems.push(`${at}: more than ${s.maxItems} items`);
      if (s.items) v.forEach((item, i) => visit(item, s.items!, `${at}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      for (const key of s.required ?? []) if (!Object.prototype.hasOwnProperty.call(record, key)) problems.push(`${at}: ${JSON.stringify(key)} is missing`);
      for (const [key, child] of Object.entries(record)) {
        const where = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key.slice(0, 100))}]`;
        const own = s.properties && Object.prototype.hasOwnProperty.call(s.properties, key) ? s.properties[key] : undefined;
        if (own) visit(child, own, where);
        else if (s.additionalProperties === false) problems.push(`${where}: not a field of the report`);
        else if (typeof s.additionalProperties === 'object') visit(child, s.additionalProperties, where);
      }
    }
  };
  visit(value, schema, '$');
  return problems.slice(0, max);
}

/** The JSON report's problems against REPORT_SCHEMA (see validateAgainst). */
export function validateReport(value: unknown): string[] {
  return validateAgainst(value, REPORT_SCHEMA);
}
