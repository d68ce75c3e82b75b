// Runs the built action as the runner does (one node process, the step's environment) and collects what
// it printed, stdout and stderr interleaved as a log shows them, and its exit code.

import { spawn } from 'node:child_process';

export async function runActionProcess(node: string, entry: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string }> {
  const child = spawn(node, [entry], { env, cwd });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout };
}
