// A Hugging Face–style model card (README.md or MODEL_CARD.md) brought up to date with a report: the
// `model-index` results in its YAML front matter, as the Hub's model card metadata spec describes them
// (https://github.com/huggingface/hub-docs/blob/main/modelcard.md: task.type, dataset.type and .name,
// metrics' type and value), and a metrics section in the body between two markers. Text in, text out.
// Everything outside model-index and the markers keeps its bytes: a value that changed is rewritten in
// place in the YAML's own source tokens (comments, quoting and indentation stay); only a new metric,
// result or model entry re-writes the model-index key itself, through the yaml package's Document API.

import { Composer, CST, Document, isMap, isScalar, isSeq, parseDocument, Parser, YAMLMap, type Node, type Pair, type Scalar, type YAMLSeq } from 'yaml';
import { DataError } from '../errors.js';
import type { JsonReport } from '../report/json.js';
import { baseName } from '../report/changelog.js';
import { escapeMarkdown } from '../report/escape.js';
import { formatValue, shortHash } from '../report/format.js';
import { combinedDigest } from '../digest.js';
import { shorten } from '../untrusted.js';
import { fencedLines, joinLines, markerKey, splitLines, unclosedFence } from './text.js';

/** What the card needs of a report. */
export type ModelCardReport = Pick<JsonReport, 'models' | 'task' | 'data' | 'verdict' | 'changelog' | 'tool'> & Partial<Pick<JsonReport, 'uncertainty'>>;

export interface ModelCardOptions {
  /** The comment key: the default key's section has the plain markers, another key's carry it. */
  key: string;
  /** The model-index entry's name when the card has none (a Hub repository's id; default: the card's folder). */
  modelName: string;
  /** YYYY-MM-DD shown in the section; default: the changelog entry's date. */
  date?: string;
}

export interface ModelCardUpdate {
  text: string;
  summary: string;
}

/** The Hub's task ids for model-gate's tasks (https://huggingface.co/tasks). */
const HUB_TASKS: Record<string, { type: string; name: string }> = {
  binary: { type: 'tabular-classification', name: 'Tabular Classification' },
  multiclass: { type: 'tabular-classification', name: 'Tabular Classification' },
  multilabel: { type: 'tabular-classification', name: 'Tabular Classification' },
  regression: { type: 'tabular-regression', name: 'Tabular Regression' },
  ranking: { type: 'text-ranking', name: 'Text Ranking' },
};

/** Counts, not measurements of quality: not results. */
const NOT_RESULTS = new Set(['example_count', 'query_count']);

export function metricsMarkers(key: string): { start: string; end: string } {
  const suffix = key === 'default' ? '' : ` key=${markerKey(key)}`;
  return { start: `<!-- model-gate:metrics:start${suffix} -->`, end: `<!-- model-gate:metrics:end${suffix} -->` };
}

/** The candidate's results as the card records them: finite, reliable values, 6 significant digits. */
export function cardMetrics(report: ModelCardReport): { type: string; value: number; ci?: [number, number] }[] {
  const candidate = report.models.find((m) => m.role === 'candidate');
  if (candidate === undefined) return [];
  return Object.entries(candidate.metrics)
    .filter(([name, m]) => !NOT_RESULTS.has(name) && m.value !== null && Number.isFinite(m.value) && m.unreliable === undefined)
    .map(([name, m]) => ({ type: shorten(name.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' '), 100), value: Number(m.value!.toPrecision(6)), ...(m.ci ? { ci: m.ci } : {}) }));
}

export function updateModelCard(text: string, report: ModelCardReport, o: ModelCardOptions): ModelCardUpdate {
  const metrics = cardMetrics(report);
  if (metrics.length === 0) throw new DataError('the report has no candidate metrics to write into the model card.');
  const front = splitFrontMatter(text);
  const yaml = updateModelIndex(front.yaml ?? '', report, metrics, o);
  const body = updateMetricsSection(front.body, report, metrics, o);
  const head = front.yaml === undefined ? `---${front.eol}${yaml.text}---${front.eol}${front.body === '' ? '' : front.eol}` : `${front.open}${yaml.text}${front.close}`;
  const out = head + body.text;
  const said = [front.yaml === undefined ? 'added front matter with model-index' : yaml.summary, body.summary].filter((s) => s !== '');
  return { text: out, summary: out === text ? 'unchanged: the card has these results already' : said.join(', ') };
}

interface FrontMatter {
  /** The opening `---` line (with a byte-order mark before it, if any) and its line ending. */
  open: string;
  /** The YAML between the fences, ending with its last line's line ending; undefined: the card has none. */
  yaml?: string;
  /** The closing `---` line and its line ending. */
  close: string;
  body: string;
  eol: string;
}

function splitFrontMatter(text: string): FrontMatter {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const open = /^(\uFEFF?---[ \t]*)(\r?\n)/.exec(text);
  if (!open) return { open: '', close: '', body: text, eol };
  const rest = text.slice(open[0].length);
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(rest);
  if (!close) throw new DataError('the model card starts with "---" but its front matter has no closing "---" line.');
  return { open: open[0], yaml: rest.slice(0, close.index), close: close[0], body: rest.slice(close.index + close[0].length), eol };
}

/** Reads a value as the card wrote it: a plain string, or undefined. */
function str(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : isScalar(node) && typeof node.value === 'number' ? String(node.value) : undefined;
}

function updateModelIndex(yamlText: string, report: ModelCardReport, metrics: ReturnType<typeof cardMetrics>, o: ModelCardOptions): { text: string; summary: string } {
  const tokens = [...new Parser().parse(yamlText)];
  const docs = [...new Composer({ keepSourceTokens: true }).compose(tokens)];
  if (docs.length > 1) throw new DataError('the model card\'s front matter holds more than one YAML document.');
  const doc = docs[0] ?? new Document();
  if (doc.errors.length > 0) throw new DataError(`the model card's front matter is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents) && !(isScalar(doc.contents) && doc.contents.value === null)) {
    throw new DataError('the model card\'s front matter is not a YAML mapping of keys to values.');
  }
  const root = isMap(doc.contents) ? doc.contents : undefined;
  const othersBefore = othersOf(doc.toJS());
  const pair = root?.items.find((p) => str(p.key) === 'model-index') as Pair<Scalar, Node | null> | undefined;

  const dataset = shorten(baseName(report.data.path).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' '), 200);
  const hubTask = HUB_TASKS[report.task ?? ''] ?? { type: 'tabular-classification', name: 'Tabular Classification' };
  const newResult = () => ({ task: { type: hubTask.type, name: hubTask.name }, dataset: { name: dataset, type: dataset }, metrics: metrics.map((m) => ({ type: m.type, value: m.value })) });

  let structural = false;
  let seq = pair?.value;
  if (pair === undefined || !isSeq(seq)) {
    if (pair !== undefined && seq !== null && !(isScalar(seq) && seq.value === null)) {
      throw new DataError('the model card\'s model-index is not a list of models; fix it or remove it, and model-gate writes it again.');
    }
    seq = doc.createNode([{ name: o.modelName, results: [newResult()] }]) as YAMLSeq;
    structural = true;
  } else {
    const models = seq as YAMLSeq;
    const model = models.items.find((m): m is YAMLMap => isMap(m));
    if (model === undefined) {
      // `model-index: []`: the first entry is written as a block, as the Hub writes it.
      if (models.items.length === 0) models.flow = false;
      models.add(doc.createNode({ name: o.modelName, results: [newResult()] }));
      structural = true;
    } else {
      const results = model.get('results', true);
      if (!isSeq(results)) {
        model.set('results', doc.createNode([newResult()]));
        structural = true;
      } else {
        const result = (results as YAMLSeq).items.find((r) => {
          const d: unknown = isMap(r) ? r.get('dataset', true) : undefined;
          return isMap(d) && (str(d.get('type', true)) === dataset || str(d.get('name', true)) === dataset);
        }) as YAMLMap | undefined;
        if (result === undefined) {
          (results as YAMLSeq).add(doc.createNode(newResult()));
          structural = true;
        } else {
          const list = result.get('metrics', true);
          if (!isSeq(list)) {
            result.set('metrics', doc.createNode(metrics.map((m) => ({ type: m.type, value: m.value }))));
            structural = true;
          } else {
            for (const m of metrics) {
              const item = (list as YAMLSeq).items.find((i) => isMap(i) && str(i.get('type', true)) === m.type) as YAMLMap | undefined;
              if (item === undefined) {
                (list as YAMLSeq).add(doc.createNode({ type: m.type, value: m.value }));
                structural = true;
                continue;
              }
              const value = item.get('value', true);
              if (isScalar(value) && value.value === m.value) continue;
              if (isScalar(value) && value.srcToken !== undefined && CST.isScalar(value.srcToken)) {
                CST.setScalarValue(value.srcToken, String(m.value), { type: 'PLAIN' });
                value.value = m.value;
              } else {
                item.set('value', m.value);
                structural = true;
              }
            }
          }
        }
      }
    }
  }
  if (!structural) {
    const text = tokens.map((t) => CST.stringify(t)).join('');
    return checked({ text, summary: text === yamlText ? '' : 'updated the model-index values' }, othersBefore);
  }
  // Only the model-index key is written again, in the card's own list style (`- ` under the key or indented).
  const indentSeq = !/^[A-Za-z0-9_"'-][^\n]*:[ \t]*(?:#.*)?\r?\n-[ \t]/m.test(yamlText) && /^[A-Za-z0-9_"'-][^\n]*:[ \t]*(?:#.*)?\r?\n[ \t]+-[ \t]/m.test(yamlText);
  const alone = new Document(null);
  const map = new YAMLMap();
  const written = doc.createPair('model-index', seq);
  map.items.push(written);
  alone.contents = map;
  let block = alone.toString({ indentSeq, lineWidth: 0 });
  const eol = /\r\n/.test(yamlText) ? '\r\n' : '\n';
  if (eol === '\r\n') block = block.replace(/\n/g, '\r\n');
  if (pair === undefined) {
    const sep = yamlText === '' || yamlText.endsWith('\n') ? '' : eol;
    return checked({ text: yamlText + sep + block, summary: 'added model-index' }, othersBefore);
  }
  const start = (pair.key as Scalar).range![0];
  let end = Math.max((pair.key as Scalar).range![1], pair.value?.range?.[1] ?? 0);
  // A comment after the list on its line (`model-index: [...] # note`) is the list's, which the block writes
  // again: it is replaced too, or it would appear twice.
  const trailing = /^[ \t]*#[^\r\n]*/.exec(yamlText.slice(end))?.[0];
  if (trailing !== undefined && isSeq(pair.value) && pair.value.comment) end += trailing.length;
  if (!/\n$/.test(yamlText.slice(start, end))) block = block.replace(/\r?\n$/, '');
  return checked({ text: yamlText.slice(0, start) + block + yamlText.slice(end), summary: 'updated model-index' }, othersBefore);
}

/** The front matter's values but model-index, to compare before and after. */
function othersOf(value: unknown): string {
  if (value === null || value === undefined) return '{}';
  if (typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const { 'model-index': _index, ...others } = value as Record<string, unknown>;
  return JSON.stringify(others);
}

/**
 * The new front matter, read back: valid YAML whose other keys mean what they meant before (a front matter
 * indented as a whole, say, cannot take a key at the line start). Otherwise nothing is written.
 */
function checked(update: { text: string; summary: string }, othersBefore: string): { text: string; summary: string } {
  const after = parseDocument(update.text);
  const index = isMap(after.contents) ? after.contents.get('model-index') : undefined;
  if (after.errors.length > 0 || !isMap(after.contents) || !isSeq(index) || othersOf(after.toJS()) !== othersBefore) {
    throw new DataError('model-gate cannot add model-index to this model card\'s front matter without changing the rest of it (is it indented?); start its keys at the beginning of the line, or add "model-index:" yourself.');
  }
  return update;
}

function updateMetricsSection(body: string, report: ModelCardReport, metrics: ReturnType<typeof cardMetrics>, o: ModelCardOptions): { text: string; summary: string } {
  const { start, end } = metricsMarkers(o.key);
  const doc = splitLines(body);
  if (unclosedFence(doc.lines)) throw new DataError('the model card has a code block (``` or ~~~) that is never closed; close it, and model-gate can tell its markers from the text.');
  const fenced = fencedLines(doc.lines);
  const startAt = doc.lines.findIndex((l, i) => !fenced[i] && l.trim() === start);
  const endAt = doc.lines.findIndex((l, i) => !fenced[i] && l.trim() === end && i > startAt);
  const section = metricsSection(report, metrics, o);
  if (startAt >= 0 && endAt < 0) throw new DataError(`the model card has ${start} without ${end} after it; add the end marker or remove the start marker.`);
  if (startAt < 0 && doc.lines.some((l, i) => !fenced[i] && l.trim() === end)) throw new DataError(`the model card has ${end} without ${start} before it; add the start marker or remove the end marker.`);
  if (startAt >= 0) {
    const old = doc.lines.slice(startAt + 1, endAt).join('\n');
    doc.lines.splice(startAt + 1, endAt - startAt - 1, ...section);
    return { text: joinLines(doc), summary: old === section.join('\n') ? '' : 'updated the metrics section' };
  }
  // At the end, under a heading of its own (outside the markers, so it is the card's to edit or move).
  const lead = doc.lines.length === 0 ? [] : doc.lines[doc.lines.length - 1].trim() === '' ? [] : [''];
  doc.lines.push(...lead, '## Evaluation results', '', start, ...section, end);
  doc.finalEol = true;
  return { text: joinLines(doc), summary: 'added the metrics section' };
}

/** The section between the markers: where the numbers come from, then one row per metric. */
function metricsSection(report: ModelCardReport, metrics: ReturnType<typeof cardMetrics>, o: ModelCardOptions): string[] {
  const candidate = report.models.find((m) => m.role === 'candidate')!;
  const date = o.date ?? /^## \[[^\]]*\] - (\d{4}-\d{2}-\d{2})/.exec(report.changelog)?.[1];
  const digest = candidate.files.length > 0 && candidate.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)) ? ` (sha256 \`${shortHash(combinedDigest(candidate.files))}\`)` : '';
  const confidence = report.uncertainty?.confidence;
  const withCi = metrics.some((m) => m.ci !== undefined);
  const level = typeof confidence === 'number' && Number.isFinite(confidence) ? `${Math.round(confidence * 1000) / 10} %` : '';
  const lines = [
    '',
    `Measured by model-gate ${escapeMarkdown(report.tool.version, 40)}${date ? ` on ${date}` : ''}: the model ${escapeMarkdown(baseName(candidate.path))}${digest} on ` +
      `${escapeMarkdown(baseName(report.data.path))} (${Number.isFinite(report.data.rows) ? report.data.rows : '?'} rows, ${escapeMarkdown(report.task ?? 'unknown task', 40)}); gate verdict: ${escapeMarkdown(report.verdict, 20)}.`,
    '',
    withCi ? `| Metric | Value | ${level ? `${level} interval` : 'Interval'} |` : '| Metric | Value |',
    withCi ? '| --- | ---: | --- |' : '| --- | ---: |',
    ...metrics.map((m) => {
      const row = `| ${escapeMarkdown(m.type, 100)} | ${formatValue(m.value, m.type)}`;
      return withCi ? `${row} | ${m.ci ? `${formatValue(m.ci[0], m.type)} – ${formatValue(m.ci[1], m.type)}` : ''} |` : `${row} |`;
    }),
    '',
  ];
  return lines;
}
