// The changelog entry's heading: "Unreleased" until a tag run names the version.

import { gate } from '../../src/analysis/compare.js';
import { eventContextFrom } from '../../src/github/context.js';
import { changelogEntry } from '../../src/report/changelog.js';
import type { Evaluation } from '../../src/pipeline/evaluate.js';
import type { ModelMeasurement } from '../../src/types.js';

const model = (name: string, role: ModelMeasurement['role'], accuracy: number): ModelMeasurement => ({
  name, role, path: `/w/${name}/model.onnx`, engine: 'command', backend: 'cpu', files: [],
  metrics: { accuracy: { value: accuracy }, example_count: { value: 100 } },
});
const models = [model('candidate', 'candidate', 0.9), model('release', 'baseline', 0.8)];
const e: Evaluation = { task: 'binary', data: { path: '/w/eval.csv', rows: 100 }, models, gate: gate('binary', models, {}) };

test('without a version the heading is Unreleased; a tag push titles it with the tag\'s version', () => {
  expect(changelogEntry(e, { date: '2026-12-02' })).toMatch(/^## \[Unreleased\] - 2026-12-02\n\n### Changed\n/);
  const event = eventContextFrom({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.3.0' }, {});
  expect(changelogEntry(e, { date: '2026-12-02', version: event.tag?.version })).toMatch(/^## \[1\.3\.0\] - 2026-12-02\n\n### Changed\n- Model candidate/);
  const release = eventContextFrom({ GITHUB_EVENT_NAME: 'release' }, { action: 'published', release: { tag_name: '2.0.0' } });
  expect(changelogEntry(e, { date: '2026-12-02', version: release.tag?.version })).toMatch(/^## \[2\.0\.0\] - 2026-12-02\n/);
});
