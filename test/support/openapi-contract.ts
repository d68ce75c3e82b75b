// GitHub's official OpenAPI description as a request/response checker for the fake API server.
//
// The description (node_modules/@octokit/openapi/generated/api.github.com.json, OpenAPI 3.0.3, 13 MB)
// is parsed once per module instance. Schemas are turned into JSON Schema (draft 2020-12, for ajv)
// lazily: only the components an operation actually reaches are converted and registered with ajv,
// each under its own $id, so `#/components/schemas/X` references resolve without the 73 MB deref file.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

// ---------------------------------------------------------------------------------------------
// The parts of an OpenAPI document read here.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: JsonObject }>;
}

export interface Operation {
  method: string;
  /** Path template as written in the description, e.g. /repos/{owner}/{repo}/issues/{issue_number}/comments. */
  template: string;
  operationId: string;
  documentationUrl: string;
  parameters: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonObject }> };
  responses: Record<string, OpenApiResponse>;
}

export type RouteMatch =
  | { kind: 'operation'; operation: Operation; params: Record<string, string> }
  | { kind: 'no-path' }
  | { kind: 'no-method'; template: string; allowed: string[] };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema -> JSON Schema 2020-12.

/** Keywords that carry validation meaning; everything else (description, example, x-*, discriminator, ...) is dropped. */
const KEEP = new Set([
  'type', 'enum', 'const', 'properties', 'additionalProperties', 'required', 'items', 'prefixItems',
  'allOf', 'oneOf', 'anyOf', 'not', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'patternProperties', 'propertyNames', 'contains', 'minContains',
  'maxContains', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties',
  'unevaluatedItems', '$ref', '$defs'
]);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'oneOf', 'anyOf', 'prefixItems']);
const SCHEMA_VALUES = new Set([
  'items', 'not', 'additionalProperties', 'propertyNames', 'contains', 'if', 'then', 'else',
  'unevaluatedProperties', 'unevaluatedItems'
]);

const COMPONENT_PREFIX = '#/components/schemas/';
const ID_BASE = 'https://github-openapi.invalid/components/schemas/';

export function componentId(name: string): string {
  return ID_BASE + encodeURIComponent(name);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unescapePointer(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
}

interface Conversion {
  /** Component schema names referenced (to be registered before compiling). */
  refs: Set<string>;
  formats: Set<string>;
}

// ---------------------------------------------------------------------------------------------

export interface ValidationOutcome {
  ok: boolean;
  errors: string[];
}

function describe(errors: ErrorObject[] | null | undefined, prefix: string, limit = 8): string[] {
  if (!errors || errors.length === 0) return [];
  // oneOf/anyOf failures produce one error per branch; keep the list readable.
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const where = `${prefix}${error.instancePath || ''}` || '(root)';
    let text = `${where} ${error.message ?? 'is invalid'}`;
    if (error.keyword === 'additionalProperties') text += `: '${String((error.params as { additionalProperty?: unknown }).additionalProperty)}'`;
    if (error.keyword === 'enum') text += `: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`;
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push(text);
    if (lines.length >= limit) {
      lines.push(`... ${errors.length - limit} more`);
      break;
    }
  }
  return lines;
}

interface RouteNode {
  literal: Map<string, RouteNode>;
  param?: { name: string; node: RouteNode };
  /** Segments mixing text and parameters, e.g. {base}...{head}. */
  patterns: { re: RegExp; names: string[]; node: RouteNode }[];
  template?: string;
  operations?: Map<string, Operation>;
}

function newNode(): RouteNode {
  return { literal: new Map(), patterns: [] };
}

export class OpenApiContract {
  readonly openapi: string;
  readonly loadMs: number;
  private readonly doc: JsonObject;
  private readonly schemas: Record<string, JsonObject>;
  private readonly root = newNode();
  /** Validates bodies. */
  private readonly ajv: Ajv2020;
  /** Validates path and query parameters, coercing their text to the declared types. */
  private readonly paramAjv: Ajv2020;
  private readonly registered = new WeakMap<Ajv2020, Set<string>>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file: string) {
    const started = performance.now();
    this.doc = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
    this.openapi = String(this.doc.openapi);
    const components = (this.doc.components ?? {}) as JsonObject;
    this.schemas = (components.schemas ?? {}) as Record<string, JsonObject>;
    this.ajv = this.newAjv(false);
    this.paramAjv = this.newAjv('array');
    this.buildRoutes();
    this.loadMs = performance.now() - started;
  }

  private newAjv(coerceTypes: false | 'array'): Ajv2020 {
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      validateSchema: false,
      validateFormats: true,
      unicodeRegExp: false,
      coerceTypes,
      logger: false
    });
    addFormats(ajv);
    ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
    this.registered.set(ajv, new Set());
    return ajv;
  }

  get is30(): boolean {
    return this.openapi.startsWith('3.0');
  }

  // ---- $ref resolution ------------------------------------------------------------------------

  /** Follow a local `#/...` reference inside the description. */
  resolvePointer(ref: string): Json {
    if (!ref.startsWith('#/')) throw new Error(`only local references are supported, got ${ref}`);
    let node: Json = this.doc;
    for (const token of ref.slice(2).split('/')) {
      if (!isObject(node) && !Array.isArray(node)) throw new Error(`cannot resolve ${ref}`);
      node = (node as Record<string, Json>)[unescapePointer(token)] as Json;
      if (node === undefined) throw new Error(`cannot resolve ${ref}`);
    }
    return node;
  }

  /** A non-schema object (parameter, response, request body) that may be a $ref. */
  private deref<T>(value: Json | undefined): T | undefined {
    let node = value;
    for (let depth = 0; isObject(node) && typeof node.$ref === 'string' && depth < 16; depth++) {
      node = this.resolvePointer(node.$ref);
    }
    return node as T | undefined;
  }

  private convert(node: Json, conv: Conversion): Json {
    if (typeof node === 'boolean') return node;
    if (!isObject(node)) return {};
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      let out: JsonObject;
      if (ref.startsWith(COMPONENT_PREFIX)) {
        const name = unescapePointer(ref.slice(COMPONENT_PREFIX.length));
        if (!(name in this.schemas)) throw new Error(`unknown schema component ${name}`);
        conv.refs.add(name);
        out = { $ref: componentId(name) };
      } else {
        const target = this.convert(this.resolvePointer(ref), conv);
        out = isObject(target) ? target : { allOf: [target] };
      }
      // OpenAPI 3.0: siblings of $ref are ignored. 3.1: they apply.
      if (this.is30) return out;
      const rest = { ...node };
      delete rest.$ref;
      const siblings = this.convert(rest, conv);
      return isObject(siblings) && Object.keys(siblings).length > 0 ? { allOf: [out, siblings] } : out;
    }

    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (!KEEP.has(key) || key === '$ref') continue;
      if (SCHEMA_MAPS.has(key) && isObject(value)) {
        const map: JsonObject = {};
        for (const [name, schema] of Object.entries(value)) map[name] = this.convert(schema, conv);
        out[key] = map;
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((schema) => this.convert(schema, conv));
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = Array.isArray(value) ? { prefixItems: value.map((s) => this.convert(s, conv)) } : this.convert(value, conv);
      } else {
        out[key] = value;
      }
    }
    if (typeof out.format === 'string') conv.formats.add(out.format);

    // OpenAPI 3.0 draft-04 style exclusive bounds.
    for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof out[flag] === 'boolean') {
        if (out[flag] === true && typeof out[bound] === 'number') {
          out[flag] = out[bound];
          delete out[bound];
        } else {
          delete out[flag];
        }
      }
    }

    // OpenAPI 3.0 `nullable`.
    if (node.nullable === true) {
      const combined = 'allOf' in out || 'oneOf' in out || 'anyOf' in out || 'not' in out;
      if (typeof out.type === 'string' && !combined) {
        out.type = [out.type, 'null'];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
        return out;
      }
      return { anyOf: [{ type: 'null' }, out] };
    }
    return out;
  }

  /** Register every component schema reachable from `names` with `ajv` (each once). */
  private register(ajv: Ajv2020, names: Iterable<string>, formats: Set<string>): void {
    const done = this.registered.get(ajv)!;
    const queue = [...names];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (done.has(name)) continue;
      done.add(name);
      const conv: Conversion = { refs: new Set(), formats };
      const schema = this.convert(this.schemas[name]!, conv);
      ajv.addSchema(isObject(schema) ? { ...schema, $id: componentId(name) } : { allOf: [schema], $id: componentId(name) });
      for (const ref of conv.refs) if (!done.has(ref)) queue.push(ref);
    }
  }

  private ensureFormats(ajv: Ajv2020, formats: Set<string>): void {
    for (const format of formats) {
      if (!(format in ajv.formats)) ajv.addFormat(format, true);
    }
  }

  /** Compile (once, cached under `cacheKey`) an OpenAPI schema found in the description. */
  compile(cacheKey: string, schema: Json, forParams = false): ValidateFunction {
    const key = `${forParams ? 'p' : 'b'}:${cacheKey}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ajv = forParams ? this.paramAjv : this.ajv;
    const conv: Conversion = { refs: new Set(), formats: new Set() };
    const converted = this.convert(schema, conv);
    this.register(ajv, conv.refs, conv.formats);
    this.ensureFormats(ajv, conv.formats);
    const validate = ajv.compile(isObject(converted) ? converted : { allOf: [converted] });
    this.cache.set(key, validate);
    return validate;
  }

  /** Validate a value against a named component schema (e.g. a webhook payload). */
  validateComponent(name: string, value: unknown): ValidationOutcome {
    if (!(name in this.schemas)) throw new Error(`no schema component named ${name}`);
    const validate = this.compile(`component:${name}`, { $ref: COMPONENT_PREFIX + name });
    const ok = validate(value) as boolean;
    return { ok, errors: describe(validate.errors, name, 20) };
  }

  // ---- routes -------------------------------------------------------------------------------

  private buildRoutes(): void {
    const paths = (this.doc.paths ?? {}) as Record<string, JsonObject>;
    for (const [template, item] of Object.entries(paths)) {
      let node = this.root;
      for (const segment of template.split('/').slice(1)) {
        const whole = /^\{([^{}]+)\}$/.exec(segment);
        if (whole) {
          node.param ??= { name: whole[1]!, node: newNode() };
          if (node.param.name !== whole[1]) {
            // Same position, different parameter name in another template: reuse the node, the
            // operation keeps its own name through the template's parameter list.
          }
          node = node.param.node;
        } else if (segment.includes('{')) {
          const names: string[] = [];
          const source = segment
            .split(/(\{[^{}]+\})/)
            .map((part) => {
              const p = /^\{([^{}]+)\}$/.exec(part);
              if (p) {
                names.push(p[1]!);
                return '(.+?)';
              }
              return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            })
            .join('');
          const re = new RegExp(`^${source}$`);
          let entry = node.patterns.find((x) => x.re.source === re.source);
          if (!entry) {
            entry = { re, names, node: newNode() };
            node.patterns.push(entry);
          }
          node = entry.node;
        } else {
          let next = node.literal.get(segment);
          if (!next) {
            next = newNode();
            node.literal.set(segment, next);
          }
          node = next;
        }
      }
      node.template = template;
      node.operations = new Map();
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const params = new Map<string, OpenApiParameter>();
        for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
          const p = this.deref<OpenApiParameter>(raw);
          if (p) params.set(`${p.in}:${p.name}`, p);
        }
        const responses: Record<string, OpenApiResponse> = {};
        for (const [status, response] of Object.entries((op.responses ?? {}) as JsonObject)) {
          responses[status] = this.deref<OpenApiResponse>(response) ?? {};
        }
        const externalDocs = isObject(op.externalDocs) ? op.externalDocs : {};
        const operation: Operation = {
          method: method.toUpperCase(),
          template,
          operationId: String(op.operationId ?? `${method} ${template}`),
          documentationUrl: typeof externalDocs.url === 'string' ? externalDocs.url : 'https://docs.github.com/rest',
          parameters: [...params.values()],
          responses
        };
        const body = this.deref<Operation['requestBody']>(op.requestBody);
        if (body) operation.requestBody = body;
        node.operations.set(operation.method, operation);
      }
    }
  }

  /** Every template matching the path, most specific first (literal segments beat parameters, left to right). */
  private matches(segments: string[]): { node: RouteNode; values: string[] }[] {
    const found: { node: RouteNode; values: string[] }[] = [];
    const walk = (node: RouteNode, index: number, values: string[]): void => {
      if (index === segments.length) {
        if (node.template) found.push({ node, values });
        return;
      }
      const segment = segments[index]!;
      const literal = node.literal.get(segment);
      if (literal) walk(literal, index + 1, values);
      for (const pattern of node.patterns) {
        const m = pattern.re.exec(segment);
        if (m) walk(pattern.node, index + 1, [...values, ...m.slice(1)]);
      }
      if (node.param && segment !== '') walk(node.param.node, index + 1, [...values, segment]);
    };
    walk(this.root, 0, []);
    return found;
  }

  match(method: string, pathname: string): RouteMatch {
    const segments = pathname.split('/').slice(1);
    const candidates = this.matches(segments);
    if (candidates.length === 0) return { kind: 'no-path' };
    for (const { node, values } of candidates) {
      const operation = node.operations?.get(method.toUpperCase());
      if (!operation) continue;
      const names = [...node.template!.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = values[i] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      return { kind: 'operation', operation, params };
    }
    const first = candidates[0]!.node;
    return { kind: 'no-method', template: first.template!, allowed: [...(first.operations?.keys() ?? [])] };
  }

  // ---- requests -----------------------------------------------------------------------------

  /** Path and query parameters: presence, types (text coerced as GitHub would read it), enums; unknown query names. */
  validateParameters(operation: Operation, pathParams: Record<string, string>, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const location of ['path', 'query'] as const) {
      const declared = operation.parameters.filter((p) => p.in === location);
      const properties: JsonObject = {};
      const required: string[] = [];
      const values: Record<string, unknown> = {};
      for (const p of declared) {
        properties[p.name] = p.schema ?? {};
        if (p.required || location === 'path') required.push(p.name);
        if (location === 'path') {
          if (p.name in pathParams) values[p.name] = pathParams[p.name];
        } else {
          const all = [...query.getAll(p.name), ...query.getAll(`${p.name}[]`)];
          if (all.length === 0) continue;
          const isArray = isObject(p.schema) && p.schema.type === 'array';
          values[p.name] = isArray ? all.flatMap((v) => v.split(',')) : all.length === 1 ? all[0] : all;
        }
      }
      if (location === 'query') {
        const known = new Set(declared.map((p) => p.name));
        for (const name of new Set(query.keys())) {
          const bare = name.endsWith('[]') ? name.slice(0, -2) : name;
          if (!known.has(bare)) {
            problems.push(
              `query parameter '${name}' is not a parameter of ${operation.operationId}` +
                (known.size ? ` (known: ${[...known].join(', ')})` : ' (it takes none)')
            );
          }
        }
      }
      if (declared.length === 0) continue;
      const schema: JsonObject = { type: 'object', properties, required };
      const validate = this.compile(`${operation.method} ${operation.template} ${location}`, schema, true);
      if (!validate(values)) problems.push(...describe(validate.errors, `${location} parameters`));
    }
    return problems;
  }

  /** The JSON body against the operation's requestBody schema. `body` undefined = no body sent. */
  validateRequestBody(operation: Operation, body: unknown): string[] {
    const spec = operation.requestBody;
    if (!spec) return body === undefined ? [] : [`${operation.operationId} takes no request body, but one was sent`];
    if (body === undefined) return spec.required ? [`${operation.operationId} requires a request body, none was sent`] : [];
    const media = spec.content['application/json'];
    if (!media) return [`${operation.operationId} does not take a JSON body (it takes ${Object.keys(spec.content).join(', ')})`];
    if (!media.schema) return [];
    const validate = this.compile(`${operation.method} ${operation.template} request`, media.schema);
    return validate(body) ? [] : describe(validate.errors, 'request body');
  }

  // ---- responses ----------------------------------------------------------------------------

  /**
   * Validate a JSON response body for the status. `documented` is false when the description lists
   * no response for this status (nor `default`); the body is then checked against basic-error.
   */
  validateResponse(operation: Operation | undefined, status: number, body: unknown): { documented: boolean; errors: string[] } {
    const response = operation ? (operation.responses[String(status)] ?? operation.responses.default) : undefined;
    if (!response) {
      if (status >= 400 && 'basic-error' in this.schemas) {
        const outcome = this.validateComponent('basic-error', body);
        return { documented: false, errors: outcome.errors };
      }
      return { documented: false, errors: [] };
    }
    const media = response.content?.['application/json'];
    if (!media) {
      return {
        documented: true,
        errors: body === undefined ? [] : [`response ${status} of ${operation!.operationId} has no JSON body in the description, but one was sent`]
      };
    }
    if (body === undefined) return { documented: true, errors: [`response ${status} of ${operation!.operationId} should have a JSON body`] };
    if (!media.schema) return { documented: true, errors: [] };
    const validate = this.compile(`${operation!.method} ${operation!.template} response ${status}`, media.schema);
    return { documented: true, errors: validate(body) ? [] : describe(validate.errors, `response ${status} body`) };
  }
}

// ---------------------------------------------------------------------------------------------

let contract: OpenApiContract | undefined;

/** Path of GitHub's description (api.github.com, with $refs) inside node_modules. */
export function githubDescriptionPath(): string {
  return createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
}

/** The parsed description for api.github.com; loaded on first use, then shared by everything in this module instance. */
export function loadGitHubContract(): OpenApiContract {
  contract ??= new OpenApiContract(githubDescriptionPath());
  return contract;
}
