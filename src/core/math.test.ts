import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cos, exp, ln, log10, pow, sin } from './math.js';

const f = new Float64Array(1);
const bits = new BigUint64Array(f.buffer);
/** A double's bits as 16 hex digits. */
function hex(v: number): string {
  f[0] = v;
  return bits[0]!.toString(16).padStart(16, '0');
}
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  f[0] = a;
  const x = bits[0]!;
  f[0] = b;
  const y = bits[0]!;
  return Number(x > y ? x - y : y - x);
}
/** Park–Miller minimal standard generator: the test's own inputs, independent of src/core/rng. */
function inputs(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/**
 * Golden bits: each function's output for fixed inputs, as the algorithm defines it. These are the
 * same in every JavaScript engine (only +, −, ×, ÷ and bit reads are used), which is what makes a
 * simulation's results identical in Node and in the browser playground.
 */
const GOLDEN = {"ln":[[0.5,"bfe62e42fefa39ef"],[1e-300,"c085963447f87fb5"],[2.5e-310,"c0864714a9115cd0"],[0.999999,"beb0c6f82d74d230"],[1.0000001,"3e7ad7f2847b6492"],[3,"3ff193ea7aad030a"],[1e+300,"4085963447f87fb5"],[0.1,"c0026bb1bbb55515"],[0.7071,"bfd62e6b3842a25e"],[1.4142,"3fd62e1ac5b1d181"]],"exp":[[-745,"0000000000000001"],[-708.5,"000e6cf6d08897ac"],[-1,"3fd78b56362cef38"],[-1e-10,"3feffffffff24190"],[0.3,"3ff599058c8c1a96"],[0.5,"3ffa61298e1e069c"],[1,"4005bf0a8b14576a"],[10,"40d5829dcf950560"],[700,"7f0d945df4f8ec8e"],[709.7,"7fed75ae7a50ee14"]],"sin":[[0.1,"3fb98eaecb8bcb2c"],[1,"3feaed548f090cee"],[2,"3fed18f6ead1b446"],[3,"3fc210386db6d55b"],[4,"bfe837b9dddc1eae"],[5,"bfeeaf81f5e09933"],[6.28,"bf6a180fe0f0fda7"],[1e-9,"3e112e0be826d695"],[100,"bfe03425b78c4db8"]],"cos":[[0.1,"3fefd712f9a817c0"],[0.5,"3fec1528065b7d50"],[0.8,"3fe64b6bde719865"],[1,"3fe14a280fb5068c"],[2,"bfdaa22657537205"],[3,"bfefae04be85e5d2"],[4.71238898038469,"bcaa79394c9e8a0a"],[6,"3feeb9b7097822f6"],[100,"3feb981dbf665fdf"]],"pow":[[0.3,-0.6,"400079853dbb69ee"],[2,0.3,"3ff3b2c47bff8329"],[10,-0.05,"3fec8520affa0a4b"],[0.999,1234.5,"3fd29c79e2c9f96a"],[7,0.25,"3ffa0675250ee9f2"],[1e-310,0.5001,"1fbff5970856d64a"],[123,-2.5,"3ed8ff5e3b13600e"],[0.5,1074,"0000000000000001"]]} as const;

describe('deterministic elementary functions', () => {
  it('give the golden bits', () => {
    for (const [x, h] of GOLDEN.ln) expect([x, hex(ln(x))]).toEqual([x, h]);
    for (const [x, h] of GOLDEN.exp) expect([x, hex(exp(x))]).toEqual([x, h]);
    for (const [x, h] of GOLDEN.sin) expect([x, hex(sin(x))]).toEqual([x, h]);
    for (const [x, h] of GOLDEN.cos) expect([x, hex(cos(x))]).toEqual([x, h]);
    for (const [x, y, h] of GOLDEN.pow) expect([x, y, hex(pow(x, y))]).toEqual([x, y, h]);
  });

  it('agree with the host Math functions within 1 ulp over wide ranges', () => {
    const r = inputs(7);
    const worst: Record<string, number> = { ln: 0, exp: 0, sin: 0, cos: 0, pow: 0 };
    const note = (k: string, a: number, b: number) => {
      worst[k] = Math.max(worst[k]!, ulps(a, b));
    };
    for (let i = 0; i < 100_000; i++) {
      const u = r();
      note('ln', ln(u), Math.log(u));
      const w = Math.exp((r() - 0.5) * 1400);
      note('ln', ln(w), Math.log(w));
      const sub = r() * 2.2250738585072014e-308;
      note('ln', ln(sub), Math.log(sub));
      const e = (r() - 0.5) * 1490;
      note('exp', exp(e), Math.exp(e));
      const t = r() * 2 * Math.PI;
      note('sin', sin(t), Math.sin(t));
      note('cos', cos(t), Math.cos(t));
      const big = (r() - 0.5) * 2e5;
      note('sin', sin(big), Math.sin(big));
      note('cos', cos(big), Math.cos(big));
      const x = Math.exp((r() - 0.5) * 60);
      const y = (r() - 0.5) * 20;
      note('pow', pow(x, y), Math.pow(x, y));
    }
    expect(Object.entries(worst).filter(([, u]) => u > 1)).toEqual([]);
  });

  it('follow IEEE and ECMA-262 at the special values', () => {
    expect(ln(0)).toBe(-Infinity);
    expect(ln(-0)).toBe(-Infinity);
    expect(ln(-1)).toBeNaN();
    expect(ln(Infinity)).toBe(Infinity);
    expect(ln(NaN)).toBeNaN();
    expect(ln(1)).toBe(0);
    expect(ln(Number.MIN_VALUE)).toBe(Math.log(Number.MIN_VALUE));
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(NaN)).toBeNaN();
    expect(exp(710)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(exp(0)).toBe(1);
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(cos(0)).toBe(1);
    expect(sin(1e10)).toBeNaN(); // outside the reduction this module implements
    expect(log10(1000)).toBeCloseTo(3, 15);
    expect(pow(2, 10)).toBe(1024);
    expect(pow(-2, 3)).toBe(-8);
    expect(pow(-8, 1 / 3)).toBeNaN();
    expect(pow(0, -1)).toBe(Infinity);
    expect(pow(-0, -1)).toBe(-Infinity);
    expect(pow(5, 0)).toBe(1);
    expect(pow(NaN, 0)).toBe(1);
    expect(pow(1, Infinity)).toBeNaN();
    expect(pow(0.5, Infinity)).toBe(0);
    expect(pow(-3, -Infinity)).toBe(0);
    expect(pow(Infinity, -2)).toBe(0);
    expect(pow(-Infinity, 3)).toBe(-Infinity);
    expect(pow(2, 0.5)).toBe(Math.SQRT2);
    expect(pow(2, 1024)).toBe(Infinity);
    expect(pow(2, -1075)).toBe(0);
    expect(pow(2, -1074)).toBe(Number.MIN_VALUE);
  });
});

describe('results that do not depend on the JavaScript engine', () => {
  it('no code behind a results file calls an engine-approximated Math function', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const roots = ['core', 'strategies', 'sim', 'results', 'scenario', 'decide'];
    const banned = /Math\.(log|log2|log10|log1p|exp|expm1|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|cbrt|hypot)\(/;
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'math.ts') {
          readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            const code = line.replace(/\/\/.*$/, '');
            if (!/^\s*\*/.test(code) && banned.test(code)) offenders.push(`${p.slice(src.length)}:${i + 1}`);
          });
        }
      }
    };
    for (const r of roots) walk(join(src, r));
    expect(offenders).toEqual([]);
  });
});
