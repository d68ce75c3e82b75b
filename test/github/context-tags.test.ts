// Tag pushes and release events: the tag, the version it names (the changelog entry's heading) and,
// for a release event, the release that already exists.

import { eventContextFrom, versionOfTag } from '../../src/github/context.js';

const env = { GITHUB_REPOSITORY: 'acme/models', GITHUB_RUN_ID: '77' };

test('a tag push names its tag and version', () => {
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2.3' }, {}).tag).toEqual({ name: 'v1.2.3', version: '1.2.3' });
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/2.0.1' }, {}).tag).toEqual({ name: '2.0.1', version: '2.0.1' });
  // A tag that is no version still names the tag; the changelog keeps "Unreleased".
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/nightly-*x*' }, {}).tag).toEqual({ name: 'nightly-*x*' });
  // A branch push has no tag, nor has a pull request.
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/v1.2.3' }, {}).tag).toBeUndefined();
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/4/merge' }, {}).tag).toBeUndefined();
  expect(eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2.3' }, {}).release).toBeUndefined();
});

test('a release event takes its tag from the payload and says the release exists', () => {
  const payload = {
    action: 'published',
    release: { tag_name: 'v3.1.0-rc.2', draft: false, prerelease: true, html_url: 'https://github.com/acme/models/releases/tag/v3.1.0-rc.2' },
  };
  const context = eventContextFrom({ ...env, GITHUB_EVENT_NAME: 'release', GITHUB_REF: 'refs/tags/v3.1.0-rc.2' }, payload);
  expect(context.tag).toEqual({ name: 'v3.1.0-rc.2', version: '3.1.0-rc.2' });
  expect(context.release).toEqual({ action: 'published', draft: false, prerelease: true, htmlUrl: 'https://github.com/acme/models/releases/tag/v3.1.0-rc.2' });
  // A hostile html_url is dropped; a payload without a release still marks the event.
  const odd = eventContextFrom({ GITHUB_EVENT_NAME: 'release' }, { release: { tag_name: 'v1', html_url: 'javascript:alert(1)' } });
  expect(odd.release).toEqual({ action: '', draft: false, prerelease: false });
  expect(odd.tag).toEqual({ name: 'v1', version: '1' });
  expect(eventContextFrom({ GITHUB_EVENT_NAME: 'release' }, {}).release).toEqual({ action: '', draft: false, prerelease: false });
});

test('versionOfTag reads version-like tags only', () => {
  expect(['v1.2.3', '1.2.3', 'v2.0', 'v10', '1.2.3+build.5', 'v1.2.3-rc.1'].map(versionOfTag)).toEqual(['1.2.3', '1.2.3', '2.0', '10', '1.2.3+build.5', '1.2.3-rc.1']);
  for (const tag of ['release', 'v', 'vv1.2', '1.2.3.4.5', 'v1.2.3 ', 'v1.2.3]', 'v1.2.3-[x](y)']) expect(versionOfTag(tag)).toBeUndefined();
});
