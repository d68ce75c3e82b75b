// Imports run one way between src/ folders, there is no import circle, and the pure folders do no
// file I/O (issue 11, item 5). The graph is read with TypeScript's own parser, so type-only
// imports, `export ... from` and `import('...')` all count.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Lowest first. A file may import from its own rank or a lower one. */
const ORDER: string[][] = [
  ['types.ts', 'errors.ts', 'untrusted.ts', 'version.ts', 'digest.ts'],
  ['settings'],
  // git/ (running git, reading refs) sits with the other readers of the outside world.
  ['data', 'training-log', 'git'],
  ['hardware', 'engines'],
  ['metrics', 'stats'],
  ['perf'],
  ['analysis'],
  ['pipeline'],
  // shard/: a shard run drives the pipeline's prepare and predict stages; the merge hands the pipeline a
  // model source. It writes and reads partial results (file I/O), and nothing in report/ or after needs it.
  ['shard'],
  ['report'],
  // document/: the changelog file and the model card, edited as text from a report.
  ['document'],
  ['github'],
  ['publish'],
  // monitor/: the scheduled mode, which runs the pipeline and keeps the monitoring issue.
  ['monitor'],
  ['main.ts', 'cli.ts', 'index.ts', 'bin.ts', 'bundle.ts']
];
const PURE = ['metrics', 'stats', 'analysis', 'report', 'document'];
const IO_MODULE = /^(node:)?(fs|fs\/promises|child_process)$|^@actions\//;

/** One import: the src file it names (relative to src, '/'-separated) or a bare module name, and
 * whether it survives compilation (a type-only import is erased, so it carries no I/O). */
interface Edge {
  to: string;
  file: boolean;
  types: boolean;
}
type Graph = Map<string, Edge[]>;

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveSrc(from: string, spec: string, known: Set<string>): string | undefined {
  const base = join(dirname(from), spec).split('\\').join('/');
  const stem = base.replace(/\.(js|ts)$/, '');
  return [`${stem}.ts`, `${base}/index.ts`].find((c) => known.has(c));
}

/** Every module specifier in a file: import and export-from declarations, import('...') and import types. */
function importsOf(text: string): { spec: string; types: boolean }[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { spec: string; types: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)));
      out.push({ spec: node.moduleSpecifier.text, types: allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, types: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) out.push({ spec: arg.text, types: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, types: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Relative imports that name no file (tsc reports them too; here they only must not hide a leak). */
const unresolved: string[] = [];

function readGraph(): Graph {
  const files = listTs(SRC).map((p) => relative(SRC, p).split('\\').join('/'));
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const edges = importsOf(readFileSync(join(SRC, file), 'utf8')).map(({ spec, types }): Edge => {
      if (!spec.startsWith('.')) return { to: spec, file: false, types };
      const target = resolveSrc(file, spec, known);
      if (!target) unresolved.push(`${file}: import ${spec} names no file under src/`);
      return { to: target ?? spec, file: !!target, types };
    });
    graph.set(file, edges);
  }
  return graph;
}

/** A file's place: its folder under src/, or its own name for a file at the root. */
function placeOf(file: string): string {
  return file.split('/')[0];
}

function rankOf(file: string): number {
  return ORDER.findIndex((rank) => rank.includes(placeOf(file)));
}

function unplaced(graph: Graph): string[] {
  return [...graph.keys()].filter((f) => rankOf(f) < 0).map((f) => `${f}: ${placeOf(f)} has no place in ORDER`);
}

const srcEdges = (graph: Graph, file: string): Edge[] => (graph.get(file) ?? []).filter((e) => e.file);

function upwardImports(graph: Graph): string[] {
  const out: string[] = [];
  for (const file of graph.keys()) {
    for (const { to } of srcEdges(graph, file)) {
      const from = rankOf(file);
      if (from >= 0 && rankOf(to) > from) out.push(`${file} imports ${to} (${placeOf(to)} is above ${placeOf(file)})`);
    }
  }
  return out;
}

/**
 * File I/O a pure file does or pulls in at run time: its own I/O imports, and those of every file it
 * reaches through imports that survive compilation. Type-only imports are erased, so they are free;
 * an import not marked `type` counts as a value import (mark it `import type` when it is one).
 */
function ioInPureFolders(graph: Graph): string[] {
  const out: string[] = [];
  for (const file of graph.keys()) {
    if (!PURE.includes(placeOf(file))) continue;
    const path = new Map<string, string[]>([[file, [file]]]);
    const queue = [file];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const e of graph.get(v) ?? []) {
        if (e.types) continue;
        if (!e.file && IO_MODULE.test(e.to)) out.push(`${[...path.get(v)!, e.to].join(' → ')} (${placeOf(file)} does no I/O)`);
        if (e.file && !path.has(e.to)) {
          path.set(e.to, [...path.get(v)!, e.to]);
          queue.push(e.to);
        }
      }
    }
  }
  return out;
}

/**
 * Every import circle (type imports included), one per knot of files that reach each other: the
 * shortest way round from the knot's first file, e.g. "a.ts → b.ts → a.ts".
 */
function circles(graph: Graph): string[] {
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const knots: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const { to: w } of srcEdges(graph, v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const knot: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      knot.push(w);
    } while (w !== v);
    if (knot.length > 1 || srcEdges(graph, v).some((e) => e.to === v)) knots.push(knot.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return knots.map((knot) => shortestCircle(graph, knot[0], new Set(knot)).join(' → '));
}

function shortestCircle(graph: Graph, start: string, within: Set<string>): string[] {
  const path = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const { to } of srcEdges(graph, v)) {
      if (to === start) return [...path.get(v)!, start];
      if (within.has(to) && !path.has(to)) {
        path.set(to, [...path.get(v)!, to]);
        queue.push(to);
      }
    }
  }
  return [start];
}

describe('architecture of src/', () => {
  const graph = readGraph();

  it('reads the whole tree, type imports and export-from included', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(srcEdges(graph, 'main.ts').length).toBeGreaterThan(0);
    expect(graph.get('metrics/index.ts')?.some((e) => e.to === 'metrics/direction.ts')).toBe(true);
    expect([...graph.values()].flat().some((e) => e.types)).toBe(true);
  });

  it('resolves every relative import to a file', () => {
    expect(unresolved).toEqual([]);
  });

  it('places every folder and root file in the order', () => {
    expect(unplaced(graph)).toEqual([]);
  });

  it('imports only from the same rank or a lower one', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('keeps file I/O out of the pure folders', () => {
    expect(ioInPureFolders(graph)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const value = (to: string): Edge => ({ to, file: !/^(node:|@|fs)/.test(to), types: false });
  const type = (to: string): Edge => ({ ...value(to), types: true });
  const planted: Graph = new Map([
    ['types.ts', [type('perf/latency.ts')]],
    ['perf/latency.ts', [value('metrics/direction.ts'), value('node:perf_hooks')]],
    ['metrics/direction.ts', [value('types.ts')]],
    ['report/comment.ts', [value('engines/files.ts'), type('data/read.ts'), value('types.ts')]],
    ['report/json.ts', [value('node:fs')]],
    ['stats/ks.ts', [value('stats/ks.ts'), value('fs/promises'), value('@actions/core'), value('node:path')]],
    ['engines/files.ts', [value('node:fs'), value('node:child_process')]],
    ['data/read.ts', [value('node:fs')]],
    ['data/csv-fast.ts', [value('stats/sorted.ts'), value('types.ts')]],
    ['stats/sorted.ts', []],
    ['widgets/x.ts', []]
  ]);

  it('catches an upward import, type imports included, naming the file and the import', () => {
    expect(upwardImports(planted)).toEqual([
      'types.ts imports perf/latency.ts (perf is above types.ts)',
      'data/csv-fast.ts imports stats/sorted.ts (stats is above data)'
    ]);
  });

  it('catches a circle, naming its files', () => {
    expect(circles(planted)).toEqual(['metrics/direction.ts → types.ts → perf/latency.ts → metrics/direction.ts', 'stats/ks.ts → stats/ks.ts']);
  });

  it('catches file I/O in a pure folder, direct or pulled in, but not through a type import', () => {
    expect(ioInPureFolders(planted)).toEqual([
      'report/comment.ts → engines/files.ts → node:fs (report does no I/O)',
      'report/comment.ts → engines/files.ts → node:child_process (report does no I/O)',
      'report/json.ts → node:fs (report does no I/O)',
      'stats/ks.ts → fs/promises (stats does no I/O)',
      'stats/ks.ts → @actions/core (stats does no I/O)'
    ]);
  });

  it('catches a folder the order does not place', () => {
    expect(unplaced(planted)).toEqual(['widgets/x.ts: widgets has no place in ORDER']);
  });
});
