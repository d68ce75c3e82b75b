// The CLI's flags: the input table's names (and their older short aliases), read into the same raw inputs
// the action reads, so both share the resolver.

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, messageOf } from '../errors.js';
import { quote } from '../untrusted.js';
import { loadConfigFile } from './action-inputs.js';
import { confinePath, confineSettings, parseAllowedRoots, rootsOf, type Roots } from './confine.js';
import { DRIFT_FLAGS, EVALUATE_FLAGS, flagNames, helpText, isYamlText, type InputName, type InputSpec } from './inputs.js';
import { resolveDriftSettings, resolveSettings, type DriftSettings, type RawInputs, type Settings } from './settings.js';

/** Where the reports go: a file, or `-` for standard output. */
export interface CliOutputs {
  json?: string;
  markdown?: string;
  quiet: boolean;
}

/** The value `--json` and `--markdown` take for standard output. */
export const STDOUT = '-';

const YAML_RULE = `A YAML input (--thresholds, --slices, --onnx-inputs) takes the YAML itself or a file: a value on one
line that names an existing file (inside the allowed folders), or that neither starts with "{" nor holds ": ", is a
file path; anything else is YAML.`;

export const EVALUATE_USAGE = `Usage: model-gate evaluate --candidate PATH --data PATH --label-column COLUMN [options]

${helpText(EVALUATE_FLAGS)}

${YAML_RULE}
Paths must lie inside the current folder or an --allowed-roots folder (after symlinks).

Exit status: 0 pass or warn, 1 fail, 2 bad input.`;

export const DRIFT_USAGE = `Usage: model-gate drift --reference-data PATH --current-data PATH [options]

${helpText(DRIFT_FLAGS)}

Exit status: 0 no dataset drift, 1 dataset drift, 2 bad input.`;

/**
 * Input paths must lie inside `cwd` (the CLI's workspace), a folder given with --allowed-roots, or one of
 * `extraRoots` (the demo passes its fixtures folder).
 */
export async function readCliSettings(argv: string[], cwd: string, extraRoots: string[] = []): Promise<{ settings: Settings; outputs: CliOutputs } | 'help'> {
  const values = parseFlags(argv, EVALUATE_FLAGS, 'evaluate');
  if (values.help !== undefined) return 'help';
  const roots = rootsOf(cwd, [...parseAllowedRoots(values['allowed-roots'], cwd), ...extraRoots]);
  const raw: RawInputs = { comment: 'false' };
  /** YAML inputs given on one line and taken as the YAML itself: their errors say so. */
  const inline: string[] = [];
  for (const spec of EVALUATE_FLAGS) {
    if (spec.only === 'cli') continue;
    const name = spec.name as InputName;
    const value = values[name];
    if (value === undefined) continue;
    if (spec.type !== 'yaml') raw[name] = value;
    else if (!isYamlText(value) || namesFileInRoots(value, cwd, roots)) raw[name] = await readYamlFile(name, value, cwd, roots);
    else {
      if (!/[\r\n]/.test(value)) inline.push(name);
      raw[name] = value;
    }
  }
  const config = await loadConfigFile(values.config, cwd, roots);
  let settings: Settings;
  try {
    settings = resolveSettings(raw, config, cwd);
  } catch (e) {
    throw inlineYamlHint(e, inline);
  }
  confineSettings(settings, roots);
  return { settings, outputs: outputsOf(values, cwd) };
}

/** `model-gate drift` needs no model: only the two samples and the drift inputs. */
export function readDriftArgs(argv: string[], cwd: string): { settings: DriftSettings; outputs: CliOutputs } | 'help' {
  const values = parseFlags(argv, DRIFT_FLAGS, 'drift');
  if (values.help !== undefined) return 'help';
  const raw: RawInputs = {};
  for (const spec of DRIFT_FLAGS) if (spec.only !== 'cli') raw[spec.name as InputName] = values[spec.name];
  const settings = resolveDriftSettings(raw, cwd);
  const roots = rootsOf(cwd, parseAllowedRoots(values['allowed-roots'], cwd));
  confinePath('reference-data', settings.referenceData!, roots);
  confinePath('current-data', settings.currentData!, roots);
  return { settings, outputs: outputsOf(values, cwd) };
}

/**
 * Flag values by input name, in the action's format: a repeatable flag's values one per line, in the order
 * given (an alias and the name mix freely); a flag given twice otherwise keeps its last value; a bare
 * boolean flag is "true".
 */
function parseFlags(argv: string[], flags: readonly InputSpec[], command: string): Record<string, string | undefined> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  const inputOf = new Map<string, InputSpec>();
  for (const spec of flags) {
    const type = spec.type === 'boolean' ? 'boolean' : 'string';
    const short = spec.aliases?.find((a) => a.length === 1);
    options[spec.name] = short === undefined ? { type } : { type, short };
    inputOf.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) {
      if (alias.length === 1) continue;
      options[alias] = { type };
      inputOf.set(alias, spec);
    }
  }
  let tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>;
  try {
    ({ tokens } = parseArgs({ args: argv, options, allowPositionals: false, strict: true, tokens: true }));
  } catch (e) {
    throw flagError(e, command);
  }
  const lists = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = inputOf.get(t.name)!;
    const value = t.value ?? 'true';
    lists.set(spec.name, spec.repeatable ? [...(lists.get(spec.name) ?? []), value] : [value]);
  }
  return Object.fromEntries([...lists].map(([name, list]) => [name, list.join('\n')]));
}

/** A YAML input given as a file: checked against the roots before it is read. */
async function readYamlFile(name: InputName, value: string, cwd: string, roots: Roots): Promise<string> {
  const file = path.resolve(cwd, value);
  confinePath(name, file, roots);
  return readFile(file, 'utf8').catch(() => {
    throw new InputError(`${name} file not found: ${quote(value)} (resolved to ${quote(file)}). Give a YAML file, or the YAML itself (for example "key: value").`);
  });
}

/** A one-line YAML value that is the path of an existing file inside the roots ("runs/exp: 3/t.yml"): that file. */
function namesFileInRoots(value: string, cwd: string, roots: Roots): boolean {
  if (/[\r\n]/.test(value)) return false;
  const file = path.resolve(cwd, value);
  try {
    if (!statSync(file).isFile()) return false;
    confinePath('', file, roots);
    return true;
  } catch {
    return false;
  }
}

/** An error in a YAML input given on one line says it was read as the YAML itself, and how to give a file. */
function inlineYamlHint(e: unknown, inline: readonly string[]): unknown {
  if (!(e instanceof InputError)) return e;
  const name = inline.find((n) => e.message.includes(`the ${n} input`));
  if (name === undefined) return e;
  return new InputError(
    `${e.message} The --${name} value was read as inline YAML: a value on one line that holds ": " or starts with "{" is YAML ` +
      'unless it is the path of an existing file inside the current folder or an --allowed-roots folder. To pass a file, check that path.',
  );
}

/** --json and --markdown: files, or `-` for standard output (one of them at most). */
function outputsOf(values: Record<string, string | undefined>, cwd: string): CliOutputs {
  const { json, markdown } = values;
  if (json === STDOUT && markdown === STDOUT) {
    throw new InputError('--json - and --markdown - both write to standard output; send one of them to a file.');
  }
  // One file named twice would silently overwrite itself.
  if (json !== undefined && markdown !== undefined && json !== STDOUT && path.resolve(cwd, json) === path.resolve(cwd, markdown)) {
    throw new InputError(`--json and --markdown both name ${quote(json)}; give each report its own file.`);
  }
  return { json, markdown, quiet: values.quiet !== undefined };
}

/**
 * parseArgs' messages read well once its error-class prefix and trailing advice are gone; they become one line
 * (its advice starts on a new line). A value starting with a dash (`--seed -1`) gets the advice that fits.
 */
function flagError(e: unknown, command: string): InputError {
  const text = messageOf(e).replace(/^TypeError \[[A-Z_]+\]: /, '');
  const ambiguous = /^Option '(-[^']*)' argument is ambiguous/.exec(text);
  const first = ambiguous
    ? `${ambiguous[1]} needs a value, and the argument after it starts with "-"; for a value that starts with a dash write ${ambiguous[1]}=VALUE`
    : text.split(/\r?\n|\. To specify/)[0].replace(/\.$/, '');
  return new InputError(`${first}. Run "model-gate ${command} --help" for the flags.`);
}

/** Every flag a command takes: "--label-column", "--label", "-q". */
export function cliFlags(command: 'evaluate' | 'drift'): string[] {
  return (command === 'evaluate' ? EVALUATE_FLAGS : DRIFT_FLAGS).flatMap(flagNames);
}
