/**
 * The core-purity rule: `src/core` and `src/strategies` receive time and randomness, they never read
 * them. Two checks: the compile-time guard of `tsconfig.core.json` (no Node types, no DOM, and
 * `types/core-purity.d.ts`) rejects each forbidden read, shown on small snippets compiled under the same
 * options; and a scan of the sources for the same names, which also catches uses the type checker
 * lets through (a bare `Date.now();` statement, or one turned into a string).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PURE_DIRS = ['src/core', 'src/strategies'];

function pureOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.core.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.core.json: unreadable');
  return parsed.options;
}

const CLEAN = 'export function f(clock: { now(): number }, u: () => number): number { return clock.now() + u() + new Date(0).getTime(); }';
const VIOLATIONS: [name: string, source: string, message: RegExp][] = [
  ['Date.now', 'export const t: number = Date.now();', /CoreReceivesTimeFromItsClock/],
  ['Date.now in arithmetic', 'export const t = Date.now() + 1;', /CoreReceivesTimeFromItsClock/],
  ['new Date()', 'export const t = new Date().getTime();', /CoreReceivesTimeFromItsClock/],
  ['Math.random', 'export const u = 2 + Math.random();', /CoreReceivesRandomnessFromItsRng/],
  ['performance', 'export const t = performance.now();', /Cannot find name 'performance'/],
  ['setTimeout', 'setTimeout(() => {}, 1);', /Cannot find name 'setTimeout'/],
  ['setInterval', 'setInterval(() => {}, 1);', /Cannot find name 'setInterval'/],
  ['process', 'export const e = process.env;', /Cannot find name 'process'/],
  ['node: imports', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", /Cannot find module 'node:fs'/],
];

describe('tsconfig.core.json rejects reads of time, randomness and the host', () => {
  let compiled: Map<string, string[]> | undefined;

  /** Type errors per snippet, each compiled as an ES module under the pure options with the guard file (one program for all). */
  function errorsOf(source: string): string[] {
    if (!compiled) {
      const dir = mkdtempSync(join(tmpdir(), 'lbsim-purity-'));
      try {
        const files = new Map<string, string>();
        [CLEAN, ...VIOLATIONS.map((v) => v[1])].forEach((src, k) => {
          const file = join(dir, `snippet${k}.mts`);
          writeFileSync(file, `${src}\nexport {};\n`);
          files.set(file, src);
        });
        const program = ts.createProgram([...files.keys(), join(ROOT, 'types/core-purity.d.ts')], pureOptions());
        compiled = new Map([...files.values()].map((src) => [src, []]));
        for (const d of ts.getPreEmitDiagnostics(program)) {
          const src = d.file && files.get(d.file.fileName);
          if (src !== undefined) compiled.get(src)!.push(ts.flattenDiagnosticMessageText(d.messageText, ' '));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return compiled.get(source)!;
  }

  it('accepts time and randomness that are handed in', () => {
    expect(errorsOf(CLEAN)).toEqual([]);
  });

  it.each(VIOLATIONS)('%s', (_name, source, message) => {
    const found = errorsOf(source);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });
});

describe('the pure folders read no time, randomness or host API', () => {
  const FORBIDDEN =
    /\bDate\.now\b|\bnew Date\(\s*\)|\bMath\.random\b|\bperformance\s*\.|\bset(?:Timeout|Interval|Immediate)\b|\bprocess\s*\.|['"]node:/;

  function sources(dir: string): string[] {
    const out: string[] = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'test') out.push(...sources(p));
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
    return out;
  }

  /** The source without comments (string contents are kept; a `//` inside a string cuts the line, which only hides text). */
  function code(text: string): string {
    return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  }

  it('finds no forbidden name outside comments and tests', () => {
    const files = PURE_DIRS.flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const f of files) {
      code(readFileSync(f, 'utf8'))
        .split('\n')
        .forEach((line) => {
          if (FORBIDDEN.test(line)) hits.push(`${relative(ROOT, f)}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it('the scan recognises each forbidden read', () => {
    for (const s of ['Date.now()', 'new Date()', 'Math.random()', 'performance.now()', 'setTimeout(f)', 'setInterval(f)', 'process.env', "from 'node:fs'"]) {
      expect(FORBIDDEN.test(code(`const x = ${s};`)), s).toBe(true);
    }
    expect(FORBIDDEN.test(code('// Date.now() in a comment'))).toBe(false);
  });
});
