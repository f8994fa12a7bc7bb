import { describe, expect, it } from 'vitest';
import { SimilarTemplates } from './similar.js';

describe('SimilarTemplates', () => {
  const y = 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>';
  const z = 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>';

  it('judges a close variant of a template marked noise as noise, on the same source only', () => {
    const s = new SimilarTemplates(0.8, 10);
    s.add('bgl', y, 'noise');
    expect(s.judge('bgl', z)).toBe('noise');
    expect(s.judge('other', z)).toBeUndefined();
    // Different length, or too many positions differ: not the same kind of message.
    expect(s.judge('bgl', `${z} again`)).toBeUndefined();
    expect(s.judge('bgl', 'ciod: failed to read message prefix on control stream <ID> at line <NUM> of node map file <PATH>')).toBeUndefined();
  });

  it('lets real win over noise, and keeps only the newest judged templates per source', () => {
    const s = new SimilarTemplates(0.8, 1);
    s.add('bgl', y, 'noise');
    s.add('bgl', z, 'real');
    expect(s.judge('bgl', 'ciod: T coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>')).toBe('real');
    s.add('bgl', 'a completely different message with the same number of tokens in it ok fine then', 'noise');
    s.add('bgl', 'another different message with the same number of tokens in it ok fine then yes', 'real');
    // y and z were pushed out (one per verdict kept): the T variant is unjudged now.
    expect(s.judge('bgl', 'ciod: T coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>')).toBeUndefined();
  });

  it('is off with share 0', () => {
    const s = new SimilarTemplates(0, 10);
    s.add('bgl', y, 'noise');
    expect(s.empty).toBe(true);
    expect(s.judge('bgl', y)).toBeUndefined();
  });
});
