import { describe, expect, it } from 'vitest';
import { TemplateMiner } from './miner.js';
import { HANDFUL, MAX_VALUES, NOVEL_MIN_LINES } from './novel.js';

describe('TemplateMiner: no silent generalisation (event.novel)', () => {
  it('a long-constant word turned wildcard is marked generalised, once', () => {
    const m = new TemplateMiner();
    for (let i = 0; i < NOVEL_MIN_LINES; i++) expect(m.add(`disk sda${i % 3} check passed on node ${i}`).novel).toBeUndefined();
    const r = m.add('disk sda1 check failed on node 7');
    expect(r.change).toBe('updated');
    expect(r.novel).toEqual({ kind: 'generalised', words: ['failed'] });
    // The same message again is known now.
    expect(m.add('disk sda1 check failed on node 7').novel).toBeUndefined();
  });

  it('a young cluster generalises silently (its words are not known constants yet)', () => {
    const m = new TemplateMiner();
    for (let i = 0; i < NOVEL_MIN_LINES - 2; i++) m.add(`disk sda check passed on node ${i}`);
    expect(m.add('disk sda check failed on node 7').novel).toBeUndefined();
  });

  it('a never-seen value where only a handful ever were is marked new-value', () => {
    const m = new TemplateMiner();
    const states = ['running', 'stopped'];
    for (let i = 0; i < 40; i++) m.add(`service api state ${states[i % 2]} after ${i} ms`);
    expect(m.templates()[0].template).toBe('service api state <*> after <NUM> ms');
    expect(m.add('service api state degraded after 3 ms').novel).toEqual({ kind: 'new-value', words: ['degraded'] });
    expect(m.add('service api state degraded after 4 ms').novel).toBeUndefined();
  });

  it('a position that held many values is open: new values are ordinary', () => {
    const m = new TemplateMiner();
    for (let i = 0; i < 40; i++) m.add(`login by user${String.fromCharCode(97 + (i % 20))} ok`.replace(/\d/g, ''));
    let marked = 0;
    for (let i = 0; i < 10; i++) if (m.add(`login by someone${String.fromCharCode(97 + i)} ok`).novel) marked++;
    expect(marked).toBe(0);
    expect(HANDFUL).toBeLessThan(MAX_VALUES);
  });

  it('values seen survive a snapshot', () => {
    const a = new TemplateMiner();
    for (let i = 0; i < 40; i++) a.add(`service api state ${i % 2 ? 'running' : 'stopped'} after ${i} ms`);
    const b = new TemplateMiner();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.add('service api state running after 9 ms').novel).toBeUndefined();
    expect(b.add('service api state crashed after 9 ms').novel).toEqual({ kind: 'new-value', words: ['crashed'] });
  });

  it('a restored miner (empty caches) calls no value new that its predecessor had seen: masked words turned wildcard are on the list', () => {
    // BGL's `ciod: LOGIN chdir(<PATH>) failed`: a masked word that a later line turns into a wildcard.
    // Lines with a path are then answered from the caches and never listed again; a restored miner,
    // whose caches start empty, used to flag the first of them as a never-seen variant.
    const a = new TemplateMiner();
    const path = (i: number) => `ciod: LOGIN chdir(/p/gb1/run${i}/data) failed: No such file or directory`;
    for (let i = 0; i < NOVEL_MIN_LINES + 5; i++) a.add(path(i));
    a.add('ciod: LOGIN chdir(pwd) failed: No such file or directory');
    a.add('ciod: LOGIN chdir(home) failed: No such file or directory');
    expect(a.templates()).toHaveLength(1);
    expect(a.templates()[0].template).toContain('<*>');
    const b = new TemplateMiner();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    // The same line to both: the running miner answers from its cache, the restored one from its tree.
    expect(a.add(path(3)).novel).toBeUndefined();
    expect(b.add(path(3)).novel).toBeUndefined();
    // A value neither has seen is still news to both.
    expect(a.add('ciod: LOGIN chdir(scratch) failed: No such file or directory').novel).toEqual({ kind: 'new-value', words: ['chdir(scratch)'] });
    expect(b.add('ciod: LOGIN chdir(scratch) failed: No such file or directory').novel).toEqual({ kind: 'new-value', words: ['chdir(scratch)'] });
  });

  it('agreement through wildcards alone is no similarity', () => {
    // One leaf for all 4-token lines (depth 2) and a low threshold: only the evidence rule decides.
    const m = new TemplateMiner({ similarityThreshold: 0.2, depth: 2 });
    m.add('disk b c d');
    expect(m.add('disk x y z').template).toBe('disk <*> <*> <*>');
    // Shares the constant word: joins.
    expect(m.add('disk q r s').change).toBe('none');
    // Shares nothing but the wildcards: a new template, not absorbed.
    expect(m.add('data TLB error interrupt').change).toBe('created');
  });
});
