import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { fixture } from '../testing.js';
import { tokenizeNginx } from './lexer.js';
import { expandGlob, parseNginxFile, parseNginxTokens } from './parser.js';

const words = (text: string) => tokenizeNginx(text, 't.conf').map((t) => (t.kind === 'word' ? t.value : t.kind));

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('nginx lexer', () => {
  it('splits words, separators and blocks, and skips comments', () => {
    expect(words('upstream a { server 1.2.3.4:80 weight=2; } # tail\n')).toEqual(['upstream', 'a', 'open', 'server', '1.2.3.4:80', 'weight=2', 'semi', 'close']);
  });

  it('treats # as a comment only at the start of a token', () => {
    expect(words('set $a b#c; # gone')).toEqual(['set', '$a', 'b#c', 'semi']);
  });

  it('resolves quotes and escapes as nginx does', () => {
    expect(words(`a "x y;{}#" 'it\\'s' "q\\"q" "t\\tn" "\\d";`)).toEqual(['a', 'x y;{}#', "it's", 'q"q', 't\tn', '\\d', 'semi']);
  });

  it('keeps ${var} inside a word instead of opening a block', () => {
    expect(words('set $x ${host}_y;')).toEqual(['set', '$x', '${host}_y', 'semi']);
  });

  it('numbers lines, also across multi-line quoted strings', () => {
    const toks = tokenizeNginx('a\n"b\nc"\nd;', 't.conf');
    expect(toks.map((t) => t.line)).toEqual([1, 2, 4, 4]);
  });

  it('reports an unterminated quote with its line', () => {
    const e = inputError(() => tokenizeNginx('a;\nb "open;\n', 'q.conf'));
    expect(e.file).toBe('q.conf');
    expect(e.problems[0]).toEqual({ path: 'line 2', message: 'unterminated double-quoted string' });
  });
});

describe('nginx parser', () => {
  const parse = (text: string) => parseNginxTokens(tokenizeNginx(text, 'p.conf'), 'p.conf');

  it('builds a tree with lines, blocks spanning lines included', () => {
    const tree = parse('http {\n  upstream u\n  {\n    server a;\n  }\n}\n');
    expect(tree).toHaveLength(1);
    const up = tree[0]!.block![0]!;
    expect(up).toMatchObject({ name: 'upstream', args: ['u'], line: 2 });
    expect(up.block![0]).toMatchObject({ name: 'server', args: ['a'], line: 4, file: 'p.conf' });
  });

  it('reports an unterminated block at the line that opened it', () => {
    const e = inputError(() => parse('http {\n  upstream u {\n    server a;\n'));
    expect(e.problems[0]!.path).toBe('line 2: upstream');
    expect(inputError(() => parse('http {\n  upstream u {\n    server a;\n  }\n')).problems[0]!.path).toBe('line 1: http');
    expect(e.problems[0]!.message).toMatch(/not closed/);
  });

  it('reports a stray "}" and a missing ";"', () => {
    expect(inputError(() => parse('a;\n}\n')).problems[0]).toEqual({ path: 'line 2', message: 'unexpected "}"' });
    expect(inputError(() => parse('u {\n  server a\n}\n')).problems[0]!.path).toBe('line 2: server');
    expect(inputError(() => parse('a b')).problems[0]!.message).toMatch(/unexpected end of file, expecting ";"/);
  });

  it('resolves includes relative to the including file, globs in sorted order, missing files as warnings', () => {
    const cfg = parseNginxFile(fixture('nginx', 'includes', 'nginx.conf'));
    expect(cfg.files.map((f) => f.replace(/.*fixtures\//, ''))).toEqual([
      'nginx/includes/nginx.conf',
      'nginx/includes/conf.d/10-limits.conf',
      'nginx/includes/conf.d/20-site.conf',
      'nginx/includes/upstreams/app.conf',
    ]);
    const http = cfg.directives.find((d) => d.name === 'http')!;
    expect(http.block!.map((d) => d.name)).toEqual(['limit_conn_zone', 'upstream', 'server']);
    expect(http.block![1]!.file).toMatch(/upstreams\/app\.conf$/);
    expect(cfg.warnings).toHaveLength(1);
    expect(cfg.warnings[0]).toMatchObject({ line: 4, directive: 'include' });
    expect(cfg.warnings[0]!.message).toMatch(/^mime\.types not found/);
  });

  it('refuses include cycles, naming the including line', () => {
    const e = inputError(() => parseNginxFile(fixture('nginx', 'errors', 'cycle-a.conf')));
    expect(e.file).toMatch(/cycle-b\.conf$/);
    expect(e.problems[0]!.path).toBe('line 2: include');
    expect(e.problems[0]!.message).toMatch(/^include cycle: .*cycle-a\.conf → .*cycle-b\.conf → .*cycle-a\.conf$/);
  });

  it('expands glob patterns per path segment, skipping dot files unless asked', () => {
    const hits = expandGlob(fixture('nginx', 'includes', 'conf.d', '*.conf'));
    expect(hits.map((h) => h.replace(/.*\//, ''))).toEqual(['10-limits.conf', '20-site.conf']);
    expect(expandGlob(fixture('nginx', 'includes', 'c?nf.d', '2[0-9]-*.conf')).map((h) => h.replace(/.*\//, ''))).toEqual(['20-site.conf']);
    expect(expandGlob(fixture('nginx', 'includes', 'nothing-*'))).toEqual([]);
  });
});
