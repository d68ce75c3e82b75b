// The few named errors the pipeline raises. Each message names the thing at fault and what to do;
// main and the CLI print the message, never a stack trace.

// Each name is written out: a bundler renames classes (ncc made InputError "errors_InputError"), and the
// name decides a finding's kind and so the exit code.
export class GateError extends Error {
  override name = 'GateError';
}

/** An action input, CLI flag or config entry is wrong. */
export class InputError extends GateError {
  override name = 'InputError';
}

/** A data file cannot be read or does not fit the task. */
export class DataError extends GateError {
  override name = 'DataError';
}

/** A model cannot be loaded or its output does not fit the data. */
export class ModelError extends GateError {
  override name = 'ModelError';
}

/** A GitHub API call failed. */
export class GitHubError extends GateError {
  override name = 'GitHubError';
}

/** Finding kinds of the errors above that mean bad input (exit code 2): what errorFinding makes of them. */
export const BAD_INPUT_KINDS: ReadonlySet<string> = new Set(['input_error', 'data_error', 'model_error']);

/** "file:line:column" style location for messages. */
export function at(path: string, line?: number, column?: number): string {
  if (line === undefined) return path;
  return column === undefined ? `${path}:${line}` : `${path}:${line}:${column}`;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
