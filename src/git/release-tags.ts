// Release tags and their order, for `@previous-release`. A release tag is a semantic version, `vX.Y.Z` or
// `X.Y.Z`, with an optional pre-release (`-rc.1`) and build metadata (`+build`, ignored for order), and
// ordered by semver precedence: v1.10.0 is above v1.9.0, and 2.0.0-rc.1 below 2.0.0.
//
// Pre-releases are skipped unless the current version is one itself: v1.3.0 compares against v1.2.0
// even when v1.3.0-rc.2 was tagged in between, while v2.0.0-rc.2 compares against v2.0.0-rc.1 (or the
// last release, whichever is higher).

export interface ReleaseVersion {
  /** The tag as named. */
  tag: string;
  /** Major, minor and patch as digit strings (no leading zeros, any length). */
  core: [string, string, string];
  /** Pre-release identifiers; empty for a release. */
  pre: string[];
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The version a tag names, or undefined when it is not a release tag. */
export function releaseVersion(tag: string): ReleaseVersion | undefined {
  const m = SEMVER.exec(tag);
  if (m === null) return undefined;
  return { tag, core: [m[1], m[2], m[3]], pre: m[4] === undefined ? [] : m[4].split('.') };
}

const isNumeric = (s: string) => /^\d+$/.test(s);

/** Two digit strings without leading zeros compared exactly, whatever their length. */
function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: negative when a is lower, 0 when equal (build metadata aside), positive when higher. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  for (let i = 0; i < 3; i++) {
    const c = compareDigits(a.core[i], b.core[i]);
    if (c !== 0) return c;
  }
  // A pre-release is below its release.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === y) continue;
    const nx = isNumeric(x);
    const ny = isNumeric(y);
    if (nx && ny) return compareDigits(x, y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}

/**
 * The highest release tag among `tags` that is below `current` (a tag name; ignored when it is not a
 * release tag), pre-releases only when `current` is one. Equal versions (`v1.0.0`, `1.0.0`) go to the
 * first name in code-point order. Undefined when there is none.
 */
export function previousRelease(tags: readonly string[], current?: string): string | undefined {
  const now = current === undefined ? undefined : releaseVersion(current);
  const withPre = now !== undefined && now.pre.length > 0;
  let best: ReleaseVersion | undefined;
  for (const tag of [...tags].sort()) {
    const v = releaseVersion(tag);
    if (v === undefined || (v.pre.length > 0 && !withPre)) continue;
    if (now !== undefined && compareVersions(v, now) >= 0) continue;
    if (best === undefined || compareVersions(v, best) > 0) best = v;
  }
  return best?.tag;
}

/** The highest version among tags, pre-releases included; undefined when none is a release tag. */
export function highestVersion(tags: readonly string[]): string | undefined {
  let best: ReleaseVersion | undefined;
  for (const tag of [...tags].sort()) {
    const v = releaseVersion(tag);
    if (v !== undefined && (best === undefined || compareVersions(v, best) > 0)) best = v;
  }
  return best?.tag;
}
