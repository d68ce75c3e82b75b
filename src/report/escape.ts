// Every string from users' files (column names, class labels, model names, paths) passes through
// here before it reaches markdown: shortened (a 50 MB label cell shows as its first 200 characters), no
// HTML, no @mention pings, no broken tables, no link injection.

import { MAX_VALUE_CHARS, shorten } from '../untrusted.js';

// Emphasis, code, links, tables, strikethrough and #123 references. Parentheses and "!" only act
// after "[", which is escaped; list markers only act at a line start, which a cleaned string never is.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~#]/g;

/** Shortens text to `max` characters and escapes it for inline markdown, including inside table cells. */
export function escapeMarkdown(text: string, max: number = MAX_VALUE_CHARS): string {
  return (
    shorten(text, max)
      // Control characters and line breaks would end a table row or a list item.
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
      // GitHub links @user and @org/team mentions and #123 references; an entity keeps the text without the ping.
      .replace(/@/g, '&#64;')
      // Bare URLs autolink; break the scheme so a data value cannot become a link.
      .replace(/:\/\//g, ':&#47;&#47;')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}&#46;`)
  );
}

/** A fence longer than any run of backticks inside, so the content cannot close the block. */
export function fenceFor(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
