import { describe, expect, it } from 'vitest';
import { TemplateMiner } from './miner.js';

describe('similarity: partly variable tokens', () => {
  it('`name:<value>` tokens that differ only in the name count half (dpkg package:arch)', () => {
    const m = new TemplateMiner();
    const pkgs = ['libc-bin', 'man-db', 'python3-minimal', 'zlib1g', 'openssl', 'ca-certificates'];
    const ids = new Set<number>();
    for (const [i, p] of pkgs.entries()) ids.add(m.add(`status installed ${p}:amd64 1.${i}.3-1`).templateId);
    expect(ids.size).toBe(1);
    expect(m.templates()[0].template).toBe('status installed <*> <ID>');
  });

  it('a different constant word is still a different message', () => {
    const m = new TemplateMiner();
    const a = m.add('status installed libc-bin:amd64 2.36-9').templateId;
    const b = m.add('status purged libc-bin:amd64 2.36-9').templateId;
    expect(a).not.toBe(b);
  });
});
