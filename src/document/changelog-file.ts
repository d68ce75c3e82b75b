// The run's changelog entry written into a Keep a Changelog file (https://keepachangelog.com/en/1.1.0/):
// under `## [Unreleased]`, merged into its `### Changed` / `### Added` … subsections; on a tag run the
// Unreleased section becomes `## [X.Y.Z] - date` and a new, empty Unreleased goes above it, and the compare
// links at the bottom follow when the file has them. Text in, text out: every line the entry does not touch
// keeps its bytes. Each entry is marked with an HTML comment holding the comment key and the candidate's
// digest, so a second run on the same report replaces its entry instead of adding another.

import { createHash } from 'node:crypto';
import { DataError, InputError } from '../errors.js';
import type { JsonReport } from '../report/json.js';
import { combinedDigest } from '../digest.js';
import { MAX_MESSAGE_CHARS, quote, shorten } from '../untrusted.js';
import { fencedLines, inertLine, joinLines, markerKey, splitLines, unclosedFence, type Lines } from './text.js';

/** What the changelog needs of a report. */
export type ChangelogReport = Pick<JsonReport, 'changelog' | 'models'>;

export interface ChangelogFileOptions {
  /** The comment key: several gates write one entry each. */
  key: string;
  /** A tag run: the version the Unreleased section is released as (`1.2.0`). */
  version?: string;
  /** The tag's name (`v1.2.0`), for the compare links; default: the previous link's prefix and the version. */
  tag?: string;
  /** The release's date, YYYY-MM-DD; default: the entry's own date. */
  date?: string;
}

export interface ChangelogUpdate {
  text: string;
  /** One sentence: what changed in the file. */
  summary: string;
}

/** Keep a Changelog's kinds of change, in its order; a new subsection goes where this order puts it. */
export const CHANGE_KINDS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'] as const;

export const CHANGELOG_HEADER = [
  '# Changelog',
  '',
  'All notable changes to this project will be documented in this file.',
  '',
  'The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),',
  'and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).',
  '',
  '## [Unreleased]',
  '',
].join('\n');

/** A version as a tag names it and a heading shows it: 1.2.3, 2.0, 1.2.3-rc.1+build.5 (no leading v). */
export const VERSION_PATTERN = /^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

interface Entry {
  date?: string;
  /** Subsection name → its list items, each one line starting with "- ". */
  kinds: { name: string; items: string[] }[];
}

/** The marker line of an entry: `<!-- model-gate:changelog key=KEY candidate=DIGEST -->`. */
export function changelogMarker(key: string, digest: string): string {
  return `<!-- model-gate:changelog key=${markerKey(key)} candidate=${digest} -->`;
}

const ANY_MARKER = /^<!-- model-gate:changelog key=\S+ candidate=\S+ -->$/;

/** The candidate's digest, or when it has no files (a predictions file is its files; a failed run has none) a digest of the entry. */
function entryDigest(report: ChangelogReport, entry: Entry): string {
  const candidate = report.models.find((m) => m.role === 'candidate');
  if (candidate !== undefined && candidate.files.length > 0 && candidate.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))) {
    return combinedDigest(candidate.files);
  }
  const h = createHash('sha256');
  for (const k of entry.kinds) h.update(`${k.name}\n${k.items.join('\n')}\n`);
  return `entry-${h.digest('hex').slice(0, 16)}`;
}

/**
 * The report's changelog entry read as data: the `## [..] - date` heading, `### Kind` subsections and their
 * `- ` items. A line that is neither continues the item before it. Every item is made inert (no HTML, no
 * comment, one line), so an entry cannot forge a marker or hide text; a real entry has nothing it changes.
 */
export function parseEntry(text: string): Entry {
  const entry: Entry = { kinds: [] };
  let current: Entry['kinds'][number] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const heading = /^## \[[^\]]*\](?: - (\d{4}-\d{2}-\d{2}))?$/.exec(line);
    if (heading && entry.kinds.length === 0 && current === undefined) {
      entry.date = heading[1];
      continue;
    }
    const kind = /^### +(.+)$/.exec(line);
    if (kind) {
      const name = kindName(kind[1]);
      current = entry.kinds.find((k) => k.name === name) ?? { name, items: [] };
      if (!entry.kinds.includes(current)) entry.kinds.push(current);
      continue;
    }
    if (current === undefined) {
      current = { name: 'Changed', items: [] };
      entry.kinds.push(current);
    }
    const item = /^[-*+] +(.*)$/.exec(line);
    if (item || current.items.length === 0) current.items.push(`- ${shorten(inertLine((item ? item[1] : line).trim()), MAX_MESSAGE_CHARS)}`);
    else current.items[current.items.length - 1] = `${current.items[current.items.length - 1]} ${shorten(inertLine(line.trim()), MAX_MESSAGE_CHARS)}`;
  }
  entry.kinds = entry.kinds.filter((k) => k.items.length > 0);
  return entry;
}

/** A subsection's name as Keep a Changelog writes it (`changed` → Changed); another name is kept if it is plain words. */
function kindName(text: string): string {
  const t = text.trim();
  const known = CHANGE_KINDS.find((k) => k.toLowerCase() === t.toLowerCase());
  if (known !== undefined) return known;
  return /^[A-Za-z][A-Za-z ]{0,30}$/.test(t) ? t : 'Changed';
}

/** A section of the file: its `## ` heading's line and the line after its last (the next heading or the links). */
interface Section {
  start: number;
  end: number;
  title: string;
}

function sections(lines: readonly string[]): { list: Section[]; footer: number } {
  const fenced = fencedLines(lines);
  // The link reference definitions at the end of the file (and blank lines among them).
  let footer = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (fenced[i]) break;
    if (/^\[[^\]]+\]:\s*\S/.test(lines[i])) footer = i;
    else if (lines[i].trim() !== '') break;
  }
  const starts: number[] = [];
  for (let i = 0; i < footer; i++) if (!fenced[i] && /^## /.test(lines[i])) starts.push(i);
  const list = starts.map((start, n) => ({ start, end: starts[n + 1] ?? footer, title: lines[start] }));
  return { list, footer };
}

const isUnreleased = (s: Section) => /^## +\[?unreleased\]?(\s|$)/i.test(s.title);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const isVersion = (s: Section, version: string) => new RegExp(`^## +\\[?v?${escapeRegExp(version)}\\]?(\\s|$)`).test(s.title);

/** Whether a `### ` heading in the file is followed by a blank line (Keep a Changelog's own file does that). */
function blankAfterKindHeading(lines: readonly string[]): boolean {
  const i = lines.findIndex((l) => /^### /.test(l));
  return i >= 0 && i + 1 < lines.length && lines[i + 1].trim() === '';
}

/**
 * The changelog file's new text. `text` is the file ('' when it does not exist: it is made with the
 * standard header). Throws DataError when the report holds no entry to write.
 */
export function updateChangelog(text: string, report: ChangelogReport, o: ChangelogFileOptions): ChangelogUpdate {
  if (o.version !== undefined && !VERSION_PATTERN.test(o.version)) {
    throw new InputError(`the version ${quote(o.version)} is not a version number such as 1.2.0.`);
  }
  const entry = parseEntry(report.changelog);
  if (entry.kinds.length === 0) throw new DataError('the report\'s changelog entry has no items to write.');
  const marker = changelogMarker(o.key, entryDigest(report, entry));
  const created = text.trim() === '';
  const doc: Lines = splitLines(created ? CHANGELOG_HEADER.replace(/\n/g, /\r\n/.test(text) ? '\r\n' : '\n') : text);
  if (created) doc.finalEol = true;
  const lines = doc.lines;
  if (unclosedFence(lines)) throw new DataError('the changelog has a code block (``` or ~~~) that is never closed; close it, and model-gate can tell its headings from the text.');
  const blankAfterHeading = blankAfterKindHeading(lines);
  const said: string[] = created ? ['created the file'] : [];

  const fenced = fencedLines(lines);
  const markerAt = lines.findIndex((l, i) => !fenced[i] && l.trim() === marker);
  let { list } = sections(lines);

  const released = o.version !== undefined ? list.find((s) => isVersion(s, o.version!)) : undefined;
  if (released !== undefined) {
    // The version has its section already (a rerun of the tag's job): the entry goes there if it is not in the file.
    if (markerAt >= 0) return { text: joinLines(doc), summary: `unchanged: the entry and the ${o.version} section are there already` };
    insertEntry(lines, released, entry, marker, blankAfterHeading);
    return { text: joinLines(doc), summary: `added the entry to the ${o.version} section` };
  }

  let unreleased = list.find(isUnreleased);
  if (unreleased === undefined) {
    // Above the newest version, or after the prose when there is none.
    const at = list[0]?.start ?? trimmedEnd(lines, sections(lines).footer);
    const add = ['## [Unreleased]', ''];
    if (at > 0 && lines[at - 1].trim() !== '') add.unshift('');
    lines.splice(at, 0, ...add);
    said.push('added an Unreleased section');
    ({ list } = sections(lines));
    unreleased = list.find(isUnreleased)!;
  }

  const fencedNow = fencedLines(lines);
  const markerNow = lines.findIndex((l, i) => !fencedNow[i] && l.trim() === marker);
  if (markerNow < 0) {
    insertEntry(lines, unreleased, entry, marker, blankAfterHeading);
    said.push('added the entry under Unreleased');
  } else if (markerNow > unreleased.start && markerNow < unreleased.end) {
    const before = lines.join('\n');
    replaceEntries(lines, unreleased, entry, marker, blankAfterHeading);
    if (lines.join('\n') !== before) said.push('updated the entry under Unreleased');
  }

  if (o.version !== undefined) {
    ({ list } = sections(lines));
    unreleased = list.find(isUnreleased)!;
    const date = o.date ?? entry.date;
    if (date === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InputError(`the release date ${quote(date ?? '')} is not YYYY-MM-DD.`);
    const label = /^## +\[/.test(unreleased.title) ? `[${o.version}]` : o.version;
    lines.splice(unreleased.start, 1, '## [Unreleased]', '', `## ${label} - ${date}`);
    said.push(`moved Unreleased to ${o.version}`);
    if (updateLinks(lines, o.version, o.tag)) said.push('updated the compare links');
  }
  const out = joinLines(doc);
  return { text: out, summary: out === text ? 'unchanged: the entry is there already' : said.join(', ') };
}

/** The index after the last non-blank line before `end`. */
function trimmedEnd(lines: readonly string[], end: number): number {
  let i = end;
  while (i > 0 && lines[i - 1].trim() === '') i--;
  return i;
}

/** Puts the entry's items, each kind's after its marker, into the section's subsections (made where missing). */
function insertEntry(lines: string[], section: Section, entry: Entry, marker: string, blankAfterHeading: boolean): void {
  for (const kind of entry.kinds) {
    const sub = subsections(lines, section);
    const block = [marker, ...kind.items];
    const same = sub.find((s) => s.name.toLowerCase() === kind.name.toLowerCase());
    if (same !== undefined) {
      const at = Math.max(trimmedEnd(lines, same.end), same.start + 1);
      const add = same.start + 1 === at && blankAfterHeading ? ['', ...block] : [...block];
      if (at < lines.length && /^#/.test(lines[at])) add.push('');
      lines.splice(at, 0, ...add);
    } else {
      const order = CHANGE_KINDS.findIndex((k) => k === kind.name);
      const later = sub.find((s) => {
        const o = CHANGE_KINDS.findIndex((k) => k.toLowerCase() === s.name.toLowerCase());
        return order >= 0 && o > order;
      });
      const at = later?.start ?? Math.max(trimmedEnd(lines, section.end), section.start + 1);
      const add = [`### ${kind.name}`, ...(blankAfterHeading ? [''] : []), ...block];
      if (lines[at - 1]?.trim() !== '') add.unshift('');
      if (at < lines.length && lines[at].trim() !== '') add.push('');
      lines.splice(at, 0, ...add);
    }
    // The section grew: its end again from the headings.
    const next = sections(lines).list.find((s) => s.start === section.start);
    if (next) section.end = next.end;
  }
}

interface Subsection {
  name: string;
  start: number;
  end: number;
}

function subsections(lines: readonly string[], section: Section): Subsection[] {
  const fenced = fencedLines(lines);
  const starts: { at: number; name: string }[] = [];
  for (let i = section.start + 1; i < section.end; i++) {
    const m = fenced[i] ? null : /^### +(.+?)\s*$/.exec(lines[i]);
    if (m) starts.push({ at: i, name: m[1] });
  }
  return starts.map((s, n) => ({ name: s.name, start: s.at, end: starts[n + 1]?.at ?? section.end }));
}

/**
 * The entry written again where it is: each block of this marker (the marker line and the list items after
 * it) gets the new items of its subsection's kind, in place; a block whose kind the entry no longer has goes,
 * and a kind with no block yet is inserted as a new entry would be.
 */
function replaceEntries(lines: string[], section: Section, entry: Entry, marker: string, blankAfterHeading: boolean): void {
  const fenced = fencedLines(lines);
  const blocks: { start: number; end: number; kind?: Entry['kinds'][number] }[] = [];
  const placed = new Set<Entry['kinds'][number]>();
  let current: string | undefined;
  for (let i = section.start + 1; i < section.end; i++) {
    const heading = fenced[i] ? null : /^### +(.+?)\s*$/.exec(lines[i]);
    if (heading) current = heading[1];
    if (fenced[i] || lines[i].trim() !== marker) continue;
    let j = i + 1;
    while (j < section.end && (/^[-*+] /.test(lines[j]) || (/^\s+\S/.test(lines[j]) && !ANY_MARKER.test(lines[j].trim())))) j++;
    const kind = entry.kinds.find((k) => !placed.has(k) && k.name.toLowerCase() === current?.toLowerCase());
    if (kind) placed.add(kind);
    blocks.push({ start: i, end: j, kind });
    i = j - 1;
  }
  for (const b of [...blocks].reverse()) lines.splice(b.start, b.end - b.start, ...(b.kind ? [marker, ...b.kind.items] : []));
  const rest = entry.kinds.filter((k) => !placed.has(k));
  if (rest.length === 0) return;
  const now = sections(lines).list.find((s) => s.start === section.start)!;
  insertEntry(lines, now, { ...entry, kinds: rest }, marker, blankAfterHeading);
}

/**
 * Keep a Changelog's compare links: `[unreleased]: …/compare/v1.1.0...HEAD` becomes `…/compare/v1.2.0...HEAD`
 * and `[1.2.0]: …/compare/v1.1.0...v1.2.0` goes under it. Only when the file has that link and no link for
 * the version yet, and the tag is a plain name. Returns whether it changed anything.
 */
function updateLinks(lines: string[], version: string, tag: string | undefined): boolean {
  const { footer } = sections(lines);
  const at = lines.findIndex((l, i) => i >= footer && /^\[unreleased\]:/i.test(l));
  if (at < 0) return false;
  if (lines.some((l, i) => i >= footer && l.toLowerCase().startsWith(`[${version.toLowerCase()}]:`))) return false;
  const m = /^(\[unreleased\]:\s*)(\S*\/compare\/)(\S+?)\.\.\.HEAD\s*$/i.exec(lines[at]);
  if (!m) return false;
  const previous = m[3];
  const newTag = tag ?? `${/^(\D*)\d/.exec(previous)?.[1] ?? 'v'}${version}`;
  if (!/^[A-Za-z0-9._/+-]+$/.test(newTag)) return false;
  lines.splice(at, 1, `${m[1]}${m[2]}${newTag}...HEAD`, `[${version}]: ${m[2]}${previous}...${newTag}`);
  return true;
}
