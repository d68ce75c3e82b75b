#!/usr/bin/env bash
# Rebuilds dist/ from the committed source (HEAD) in a scratch worktree, so files that are
# uncommitted work in progress cannot leak into, or break, the bundle. Then copies dist/ back.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wt="$root/tmp/build-worktree"
rm -rf "$wt"; git -C "$root" worktree prune
git -C "$root" worktree add -q --detach "$wt" HEAD
trap 'git -C "$root" worktree remove --force "$wt"' EXIT
# A hard-linked copy, not a symlink: ncc names chunks by module paths, and a symlink out of the
# worktree would change them against a build in a plain clone.
cp -al "$root/node_modules" "$wt/node_modules"
(cd "$wt" && node scripts/build.mjs >/dev/null)
rm -rf "$root/dist"
cp -r "$wt/dist" "$root/dist"
echo "dist/ rebuilt from $(git -C "$root" rev-parse --short HEAD)"
