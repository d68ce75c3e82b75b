// dist/ is committed and never edited by hand: rebuilding it from source must give the same bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p)];
  });
}

test('rebuilding dist/ from source gives no diff', () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-dist-')), 'dist');
  execFileSync(process.execPath, ['scripts/build.mjs', '--out', out], { stdio: 'pipe' });
  const committed = path.join(process.cwd(), 'dist');
  expect(files(out).sort()).toEqual(files(committed).sort());
  const stale = files(out).filter((f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(committed, f))));
  expect(stale).toEqual([]);
}, 300000);
