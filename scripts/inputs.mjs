// Rewrites action.yml's inputs and the README's Inputs table from the input table (src/settings/inputs.ts).
//   node scripts/inputs.mjs --write   rewrite both files
//   node scripts/inputs.mjs           say which would change (exit 1 when one would)
// test/settings/inputs-agree.test.ts fails when they disagree with the table.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import YAML from 'yaml';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const README_START = '<!-- inputs: generated from src/settings/inputs.ts by node scripts/inputs.mjs --write -->';
const README_END = '<!-- inputs: end -->';

/** inputs.ts has no runtime imports, so it runs once its types are stripped. */
async function loadTable() {
  const source = await readFile(path.join(root, 'src', 'settings', 'inputs.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-inputs-'));
  try {
    await writeFile(path.join(dir, 'inputs.mjs'), outputText);
    return await import(pathToFileURL(path.join(dir, 'inputs.mjs')).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** action.yml's `inputs:` block, from `inputs:` up to the blank line before `outputs:`. */
function actionInputs(table) {
  const inputs = Object.fromEntries(table.ACTION_INPUTS.map((i) => [i.name, { description: i.description, required: false, default: i.default }]));
  return YAML.stringify({ inputs }, { lineWidth: 0, singleQuote: true });
}

function readmeTable(table) {
  const cell = (s) => s.replace(/\|/g, '\\|');
  const rows = table.ACTION_INPUTS.map((i) => `| \`${i.name}\` | ${i.default === '' ? '' : `\`${i.default}\``} | ${cell(i.description)} |`);
  return [README_START, '| input | default | what it does |', '| --- | --- | --- |', ...rows, README_END].join('\n');
}

function replaceBetween(text, start, end, replacement, file) {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a);
  if (a < 0 || b < 0) throw new Error(`${file}: cannot find ${JSON.stringify(start)} ... ${JSON.stringify(end)}`);
  return text.slice(0, a) + replacement + text.slice(b + end.length);
}

const table = await loadTable();
const files = [
  ['action.yml', (t) => replaceBetween(t, '\ninputs:\n', '\noutputs:\n', `\n${actionInputs(table)}\noutputs:\n`, 'action.yml')],
  ['README.md', (t) => replaceBetween(t, README_START, README_END, readmeTable(table), 'README.md')],
];
let stale = 0;
for (const [name, rewrite] of files) {
  const file = path.join(root, name);
  const before = await readFile(file, 'utf8');
  const after = rewrite(before);
  if (after === before) continue;
  if (process.argv.includes('--write')) {
    await writeFile(file, after);
    console.log(`rewrote ${name}`);
  } else {
    stale++;
    console.log(`${name} disagrees with src/settings/inputs.ts: run node scripts/inputs.mjs --write`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
