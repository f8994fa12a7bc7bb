import { describe, expect, it } from 'vitest';
import { demoDataset } from './labelled.js';

describe('the demo as a labelled dataset', () => {
  const ds = demoDataset({ cycles: 1, historyMinutes: 0.5 });

  it('has one episode per scripted incident, on its service, the first cycle first of each kind', () => {
    expect(ds.episodes.map((e) => [e.category, e.source, (e.end - e.start) / 1000, e.first])).toEqual([
      ['new-error', 'demo:api', 30, true],
      ['brute-force', 'demo:auth', 40, true],
      ['warning-trend', 'demo:db', 80, true],
      ['latency', 'demo:db', 12, true],
      ['silence', 'demo:web', 50, true],
    ]);
    expect(ds.rule).toBe('source');
  });

  it('labels the lines of the incident service within the incident, and nothing else', () => {
    const silence = ds.episodes.find((e) => e.category === 'silence');
    expect(silence?.lines).toEqual([]);
    // nginx stops logging: no web line inside the silence.
    expect(ds.lines.some((l) => l.source === 'demo:web' && silence && l.ts >= silence.start && l.ts < silence.end)).toBe(false);
    const wrong = ds.lines.filter((l) => (l.label !== null) !== ds.episodes.some((e) => e.source === l.source && l.ts >= e.start && l.ts < e.end));
    expect(wrong).toEqual([]);
    expect(ds.lines.filter((l) => l.label !== null).length).toBeGreaterThan(1000);
    // Line numbers run per source, from 1.
    const apiLines = ds.lines.filter((l) => l.source === 'demo:api').map((l) => l.line);
    expect(apiLines.slice(0, 3)).toEqual([1, 2, 3]);
    expect(apiLines[apiLines.length - 1]).toBe(apiLines.length);
  });

  it('is deterministic', () => {
    const again = demoDataset({ cycles: 1, historyMinutes: 0.5 });
    expect(again.lines.length).toBe(ds.lines.length);
    expect(again.lines[1234]).toEqual(ds.lines[1234]);
  });
});
