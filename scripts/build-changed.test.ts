/**
 * `npm start`'s incremental build (scripts/build-changed.mjs) on a scratch package whose build
 * script has two steps that count their runs: nothing changed → nothing runs; a changed input →
 * the steps that read it run again; a deleted stamp file → everything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, 'build-changed.mjs');
const dir = mkdtempSync(join(tmpdir(), 'lbsim-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): string {
  const r = spawnSync(process.execPath, [SCRIPT, '--root', dir], { cwd: dir, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stderr;
}
const runs = (name: string): number => readFileSync(join(dir, `${name}.count`), 'utf8').length;

describe('incremental build for npm start', () => {
  it('runs each step only when its inputs changed', () => {
    const step = (name: string) => `node -e "require('fs').appendFileSync('${name}.count','x')"`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { build: `${step('one')} && ${step('two')}` } }));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    expect(build()).toMatch(/build: node -e/);
    expect([runs('one'), runs('two')]).toEqual([1, 1]);
    expect(build()).toMatch(/build: up to date/);
    expect([runs('one'), runs('two')]).toEqual([1, 1]);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'src', 'a.ts'), later, later);
    build();
    expect([runs('one'), runs('two')]).toEqual([2, 2]);
    rmSync(join(dir, 'dist'), { recursive: true });
    build();
    expect([runs('one'), runs('two')]).toEqual([3, 3]);
  });
});
