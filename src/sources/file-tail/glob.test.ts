import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePattern, expandPattern, globToRegExpSource } from './glob.js';

const re = (g: string): RegExp => new RegExp(`^${globToRegExpSource(g)}$`);

describe('glob patterns', () => {
  it('keeps * and ? inside one path segment', () => {
    expect(re('/l/*.log').test('/l/app.log')).toBe(true);
    expect(re('/l/*.log').test('/l/sub/app.log')).toBe(false);
    expect(re('/l/app-?.log').test('/l/app-1.log')).toBe(true);
    expect(re('/l/app-?.log').test('/l/app-12.log')).toBe(false);
    expect(re('/l/app-?.log').test('/l/app-/.log')).toBe(false);
  });

  it('lets a ** segment span zero or more directories', () => {
    const r = re('/l/**/*.log');
    expect(['/l/a.log', '/l/x/a.log', '/l/x/y/z/a.log'].map((p) => r.test(p))).toEqual([true, true, true]);
    expect(r.test('/l/x/a.txt')).toBe(false);
    expect(re('/l/**').test('/l/x/y')).toBe(true);
  });

  it('escapes regular-expression characters of the pattern', () => {
    const r = re('/l/app(1)+[x].log');
    expect(r.test('/l/app(1)+[x].log')).toBe(true);
    expect(r.test('/l/app11x.log')).toBe(false);
  });

  it('finds the literal base directory, and treats a path without wildcards as itself', () => {
    expect(compilePattern('/var/log/*/x.log')).toMatchObject({ base: '/var/log', recursive: false });
    expect(compilePattern('/var/log/**/x.log')).toMatchObject({ base: '/var/log', recursive: true });
    expect(compilePattern('app.log', '/srv')).toMatchObject({ pattern: '/srv/app.log', regex: null });
  });
});

describe('expandPattern', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'anomalog-glob-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists matching files in sorted order, skips directories and does not follow directory symlinks', async () => {
    mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    mkdirSync(path.join(dir, 'c.log'));
    for (const f of ['z.log', 'a.log', 'a/b/n.log', 'a/m.txt']) writeFileSync(path.join(dir, f), '');
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'loop'));
    const flat = new Set<string>();
    await expandPattern(compilePattern(path.join(dir, '*.log')), flat);
    expect([...flat]).toEqual([path.join(dir, 'a.log'), path.join(dir, 'z.log')]);
    const deep = new Set<string>();
    await expandPattern(compilePattern(path.join(dir, '**/*.log')), deep);
    expect([...deep].map((p) => path.relative(dir, p)).sort()).toEqual(['a.log', 'a/b/n.log', 'z.log']);
    const none = new Set<string>();
    await expandPattern(compilePattern(path.join(dir, 'missing/*.log')), none);
    expect(none.size).toBe(0);
  });
});
