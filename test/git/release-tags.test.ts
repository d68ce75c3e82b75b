import { compareVersions, highestVersion, previousRelease, releaseVersion } from '../../src/git/release-tags.js';

describe('release tags', () => {
  it('reads vX.Y.Z and X.Y.Z, with pre-release and build metadata, and nothing else', () => {
    expect(releaseVersion('v1.10.0')).toEqual({ tag: 'v1.10.0', core: ['1', '10', '0'], pre: [] });
    expect(releaseVersion('2.0.0-rc.1+build.5')).toEqual({ tag: '2.0.0-rc.1+build.5', core: ['2', '0', '0'], pre: ['rc', '1'] });
    for (const t of ['v1.2', 'v01.2.3', 'release-1.2.3', 'v1.2.3-', 'v1.2.3-01', 'nightly', 'V1.2.3']) expect(releaseVersion(t)).toBeUndefined();
  });

  it('orders by semver precedence, numbers as numbers', () => {
    const sorted = ['v1.10.0', 'v1.9.0', 'v1.0.0-rc.1', 'v1.0.0', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta.11', 'v1.0.0-beta.2', 'v12345678901234567890.0.0', 'v2.0.0']
      .map((t) => releaseVersion(t)!)
      .sort(compareVersions)
      .map((v) => v.tag);
    // semver.org's example order, then the releases.
    expect(sorted).toEqual(['v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0', 'v1.9.0', 'v1.10.0', 'v2.0.0', 'v12345678901234567890.0.0']);
  });

  it('picks the highest release below the current one, skipping pre-releases unless the current one is one', () => {
    const tags = ['v1.2.0', 'v1.9.0', 'v1.10.0', 'v1.11.0-rc.1', 'v1.11.0', 'nightly', 'v2.0.0-rc.1'];
    expect(previousRelease(tags, 'v1.11.0')).toBe('v1.10.0');
    expect(previousRelease(tags, 'v1.10.0')).toBe('v1.9.0');
    expect(previousRelease(tags, 'v2.0.0-rc.2')).toBe('v2.0.0-rc.1');
    expect(previousRelease(tags, 'v1.11.0-rc.2')).toBe('v1.11.0-rc.1');
    expect(previousRelease(tags)).toBe('v1.11.0');
    expect(previousRelease(tags, 'nightly')).toBe('v1.11.0');
    expect(previousRelease(tags, 'v1.2.0')).toBeUndefined();
    expect(previousRelease(['1.0.0', 'v1.0.0'], 'v2.0.0')).toBe('1.0.0');
  });

  it('finds the highest version among tags, pre-releases included', () => {
    expect(highestVersion(['v1.9.0', 'v1.10.0-rc.1', 'x'])).toBe('v1.10.0-rc.1');
    expect(highestVersion(['x'])).toBeUndefined();
  });
});
