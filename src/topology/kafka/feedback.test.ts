import { describe, expect, it } from 'vitest';
import { MAX_LESSON_BYTES, parseLesson } from './feedback.js';

const lesson = (what: Record<string, unknown>, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ detector: 'novelty', what, ...extra }));

describe('parseLesson (feedback topic records are client input)', () => {
  it('reads a lesson field by field, dropping what is not one', () => {
    expect(parseLesson(lesson({ source: 'app', templateId: 7, feature: 'rate', observed: 3, extra: 'x' }))).toEqual({ detector: 'novelty', what: { source: 'app', templateId: 7, feature: 'rate', observed: 3 } });
    expect(parseLesson(lesson({ source: 'app', templateId: 'seven' }))).toEqual({ detector: 'novelty', what: { source: 'app' } });
  });

  it('refuses what is not a lesson', () => {
    expect(parseLesson(Buffer.from('not json'))).toBeUndefined();
    expect(parseLesson(Buffer.from('null'))).toBeUndefined();
    expect(parseLesson(lesson({ templateId: 1 }))).toBeUndefined();
    expect(parseLesson(Buffer.from(JSON.stringify({ detector: '', what: { source: 'app' } })))).toBeUndefined();
  });

  it('refuses an oversized record before parsing it, however valid its JSON', () => {
    const padded = lesson({ source: 'app' }, { pad: 'x'.repeat(MAX_LESSON_BYTES) });
    expect(padded.length).toBeGreaterThan(MAX_LESSON_BYTES);
    expect(parseLesson(padded)).toBeUndefined();
    const fits = lesson({ source: 'app' }, { pad: 'x'.repeat(MAX_LESSON_BYTES - 100) });
    expect(fits.length).toBeLessThanOrEqual(MAX_LESSON_BYTES);
    expect(parseLesson(fits)).toEqual({ detector: 'novelty', what: { source: 'app' } });
  });
});
