import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnomalogError, ERROR_CODES } from './errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the codes of core/errors.ts', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/`(ANOMALOG_ERR_[A-Z_]+)`/g)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('codes follow ANOMALOG_ERR_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^ANOMALOG_ERR_[A-Z]+_[A-Z_]+$/);
  });

  it('renders one line with the hint and the code', () => {
    const e = new AnomalogError('ANOMALOG_ERR_INPUT_NOT_FOUND', 'Cannot read x.log: ENOENT.', { hint: 'Check the path.' });
    expect(e.toLine()).toBe('Cannot read x.log: ENOENT. Check the path. [ANOMALOG_ERR_INPUT_NOT_FOUND]');
    expect(e.toLine()).not.toContain('\n');
  });
});
