import { describe, expect, it } from 'vitest';
import { thresholdConfigSchema } from '../models/threshold/config.js';
import { ensembleConfigSchema } from '../models/ensemble/config.js';
import { sessionWindowConfigSchema, timeWindowConfigSchema, vectorizerConfigSchema } from './config.js';
import { DEFAULT_VECTORIZER_OPTIONS } from './vectorize.js';
import { DEFAULT_SESSION_OPTIONS } from './session-window.js';

describe('feature, threshold and ensemble schemas', () => {
  it('default to the same values as the classes', () => {
    expect(vectorizerConfigSchema.parse({})).toEqual(DEFAULT_VECTORIZER_OPTIONS);
    const s = sessionWindowConfigSchema.parse({ key_regex: 'blk_\\d+' });
    for (const [k, v] of Object.entries(DEFAULT_SESSION_OPTIONS)) expect(s[k as keyof typeof s]).toBe(v);
    expect(thresholdConfigSchema.parse({ rule: 'spot' })).toEqual({ rule: 'spot', q: 1e-3, level: 0.98 });
    expect(ensembleConfigSchema.parse({}).members).toEqual(['if', 'pca', 'ae', 'ocsvm']);
  });

  it('reject unknown keys and inconsistent settings', () => {
    expect(vectorizerConfigSchema.safeParse({ tf_idf: true }).success).toBe(false);
    expect(sessionWindowConfigSchema.safeParse({}).success).toBe(false);
    expect(sessionWindowConfigSchema.safeParse({ key_regex: 'a', key_field: 'b' }).success).toBe(false);
    expect(timeWindowConfigSchema.safeParse({ size_ms: 10, step_ms: 20 }).success).toBe(false);
    expect(thresholdConfigSchema.safeParse({ rule: 'spot', q: 0.5 }).success).toBe(false);
  });
});
