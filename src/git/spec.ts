// The `@rev[:path]` syntax of a git baseline lives with the settings that parse it (settings/git-baseline.ts);
// git/ takes it from there.

export { parseGitBaseline, checkRevision, checkRepoPath, type GitBaselineSpec, type GitRevisionSpec } from '../settings/git-baseline.js';
