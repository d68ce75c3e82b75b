// Baselines straight from git: parse `@rev[:path]`, resolve the commit, write the model at it into a folder.

export { parseGitBaseline, checkRevision, checkRepoPath, type GitBaselineSpec, type GitRevisionSpec } from './spec.js';
export { resolveRevision, type ResolvedRevision, type ResolveOptions } from './revision.js';
export { materialiseModel, DEFAULT_MAX_BLOB_BYTES, DEFAULT_MAX_TOTAL_BYTES, type MaterialiseOptions, type MaterialisedModel } from './materialise.js';
export { repoPathOf } from './repo-path.js';
export { gitEnvironment, DEFAULT_GIT_TIMEOUT_SECONDS, type GitOptions } from './run-git.js';
export { NoPreviousRelease } from './previous-release.js';
