import { describe, expect, it } from 'vitest';
import { SimilarTemplates } from './similar.js';

describe('SimilarTemplates', () => {
  const y = 'ciod: Y coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>';
  const z = 'ciod: Z coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>';
  const t = 'ciod: T coordinate <NUM> exceeds physical dimension <NUM> at line <NUM> of node map file <PATH>';

  it('judges a close variant of a template marked noise as noise, on the same source and detector only', () => {
    const s = new SimilarTemplates(0.8, 10);
    s.add('bgl', 'novelty', y, 'noise', 'fp-y');
    expect(s.judge('bgl', 'novelty', z)).toEqual({ verdict: 'noise', fingerprint: 'fp-y' });
    expect(s.judge('other', 'novelty', z)).toBeUndefined();
    expect(s.judge('bgl', 'rate', z)).toBeUndefined();
    // Different length, or too many positions differ: not the same kind of message.
    expect(s.judge('bgl', 'novelty', `${z} again`)).toBeUndefined();
    expect(s.judge('bgl', 'novelty', 'ciod: failed to read message prefix on control stream <ID> at line <NUM> of node map file <PATH>')).toBeUndefined();
  });

  it('with a words share, a variant of another length is close when enough words are shared', () => {
    const exec = 'ciod: Error loading <PATH>: invalid or missing program image, Exec format error';
    const noFile = 'ciod: Error loading <*>: invalid or missing program image, No such file or directory';
    const positional = new SimilarTemplates(0.8, 10);
    positional.add('bgl', 'novelty', exec, 'noise', 'fp');
    expect(positional.judge('bgl', 'novelty', noFile)).toBeUndefined();
    const words = new SimilarTemplates(0.8, 10, 0.5);
    words.add('bgl', 'novelty', exec, 'noise', 'fp');
    // 8 of the 14 words of the two together shared (ciod error loading invalid or missing program image): close.
    expect(words.judge('bgl', 'novelty', noFile)?.verdict).toBe('noise');
    // A message of the same family with few words in common is not.
    expect(words.judge('bgl', 'novelty', 'ciod: Error reading message prefix after LOAD_MESSAGE on CioStream socket to <IP>:<NUM>: Link has been severed')).toBeUndefined();
  });

  it('lets real win over noise, keeps only the newest judged templates, and the newest verdict of a fingerprint', () => {
    const s = new SimilarTemplates(0.8, 1);
    s.add('bgl', 'novelty', y, 'noise', 'fp-y');
    s.add('bgl', 'novelty', z, 'real', 'fp-z');
    expect(s.judge('bgl', 'novelty', t)?.verdict).toBe('real');
    s.add('bgl', 'novelty', z, 'noise', 'fp-z');
    expect(s.judge('bgl', 'novelty', t)).toEqual({ verdict: 'noise', fingerprint: 'fp-z' });
    s.remove('bgl', 'novelty', 'fp-z');
    expect(s.judge('bgl', 'novelty', t)).toBeUndefined();
    s.add('bgl', 'novelty', y, 'noise', 'fp-y');
    s.add('bgl', 'novelty', 'a completely different message with the same number of tokens in it ok fine then', 'noise', 'fp-a');
    // y was pushed out (one per verdict kept): the T variant is unjudged now.
    expect(s.judge('bgl', 'novelty', t)).toBeUndefined();
  });

  it('is off with both shares 0', () => {
    const s = new SimilarTemplates(0, 10, 0);
    s.add('bgl', 'novelty', y, 'noise', 'fp');
    expect(s.empty).toBe(true);
    expect(s.judge('bgl', 'novelty', y)).toBeUndefined();
  });
});
