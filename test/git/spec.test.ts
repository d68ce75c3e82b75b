import { InputError } from '../../src/errors.js';
import { parseGitBaseline } from '../../src/git/spec.js';

const parse = (v: string) => parseGitBaseline(v, 'baselines: main');

describe('parseGitBaseline', () => {
  it('leaves values that name no revision to be read as paths', () => {
    expect(parse('models/old.onnx')).toBeUndefined();
    expect(parse('./@odd/model.onnx')).toBeUndefined();
  });

  it('reads @base, @previous-release and @<rev>, with and without a path', () => {
    expect(parse('@base')).toEqual({ kind: 'base', text: '@base' });
    expect(parse('@previous-release')).toEqual({ kind: 'previous-release', text: '@previous-release' });
    expect(parse('@v1.2.0:models/old')).toEqual({ kind: 'rev', rev: 'v1.2.0', path: 'models/old', text: '@v1.2.0:models/old' });
    const sha = 'a'.repeat(40);
    expect(parse(`@${sha}:other/path/model.onnx`)).toEqual({ kind: 'rev', rev: sha, path: 'other/path/model.onnx', text: `@${sha}:other/path/model.onnx` });
    expect(parse('@release/2024-q1')).toEqual({ kind: 'rev', rev: 'release/2024-q1', text: '@release/2024-q1' });
    expect(parse('@base:./models/m/')).toEqual({ kind: 'base', path: 'models/m', text: '@base:./models/m/' });
  });

  it.each([
    ['--upload-pack=touch /tmp/pwned', 'white space'],
    ['--upload-pack=touch${IFS}/tmp/pwned', 'starts with "-"'],
    ['-x', 'starts with "-"'],
    ['main\nfeature', 'white space or a control character'],
    ['main\u0007', 'control character'],
    ['main..feature', 'range'],
    ['main...feature', 'range'],
    ['HEAD~1', 'rev-parse expressions'],
    ['main^{tree}', 'rev-parse expressions'],
    ['@{-1}', 'rev-parse expressions'],
    ['main feature', 'white space'],
    ['/main', 'not a valid tag or branch name'],
    ['refs/heads/.hidden', 'not a valid tag or branch name'],
    ['x.lock', 'not a valid tag or branch name'],
    ['', 'names no revision'],
  ])('refuses the revision %j from a pull request', (rev, why) => {
    let error: unknown;
    try {
      parse(`@${rev}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('baselines: main: ');
    expect(message).toContain(why);
    // The value is quoted on one line, whatever it holds.
    expect(message).not.toContain('\n');
  });

  it.each([
    ['@v1:', 'names no path'],
    ['@v1:/etc/passwd', 'absolute path'],
    ['@v1:models/../../etc', '".." part'],
    ['@v1:models//m', 'empty'],
    ['@v1:.git/config', 'inside .git'],
    ['@v1:a\\b', 'backslash'],
    ['@v1:a\nb', 'control character'],
  ])('refuses the path in %j', (value, why) => {
    expect(() => parse(value)).toThrow(InputError);
    expect(() => parse(value)).toThrow(why);
  });
});
