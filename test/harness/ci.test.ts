import { describe, expect, it } from 'vitest';
import { isCI } from './ci.js';

describe('isCI', () => {
  it('is true for any value CI systems set', () => {
    for (const v of ['true', 'TRUE', 'True', '1', 'yes', 'github']) expect(isCI({ CI: v }), v).toBe(true);
  });
  it('is false when unset, empty, 0 or false (any case)', () => {
    expect(isCI({})).toBe(false);
    for (const v of ['', ' ', '0', 'false', 'FALSE', 'False']) expect(isCI({ CI: v }), JSON.stringify(v)).toBe(false);
  });
});
