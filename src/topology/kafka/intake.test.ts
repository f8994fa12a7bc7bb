import { describe, expect, it } from 'vitest';
import { parseAnomaly } from './intake.js';

const good = { id: 'c10535b3246e011eef2b', ts: 1226313060000, source: 'HDFS', detector: 'model', score: 0.45, severity: 'error', title: 'Window … looks unusual', explanation: [{ feature: '#events', observed: 33, expected: 1.6, contribution: 0 }], context: ['a line'], window: { start: 1, end: 2 }, templateId: 10 };

describe('anomaly records from the anomalies topic', () => {
  it('reads an anomaly as a worker writes it', () => {
    expect(parseAnomaly(JSON.stringify(good))).toEqual(good);
  });

  it('refuses records that are not anomalies, field by field', () => {
    const bad: unknown[] = [
      'not json',
      '[]',
      'null',
      { ...good, id: '' },
      { ...good, id: 'x'.repeat(129) },
      { ...good, ts: 'soon' },
      { ...good, score: null },
      { ...good, severity: 'fatal' },
      { ...good, context: [1] },
      { ...good, explanation: [null] },
      { ...good, title: undefined },
    ];
    for (const b of bad) expect(parseAnomaly(typeof b === 'string' ? b : JSON.stringify(b)), JSON.stringify(b)).toBeUndefined();
  });

  it('keeps only the known optional fields, with their types', () => {
    const a = parseAnomaly(JSON.stringify({ ...good, window: { start: 'x', end: 2 }, sessionKey: 7, extra: 'dropped', __proto__: { polluted: true } }))!;
    expect(a.window).toBeUndefined();
    expect(a.sessionKey).toBeUndefined();
    expect('extra' in a).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the model that scored it, bounded', () => {
    const model = { kind: 'if', version: 2, scope: 'default', digest: `sha256:${'a'.repeat(64)}` };
    expect(parseAnomaly(JSON.stringify({ ...good, model }))?.model).toEqual(model);
    expect(parseAnomaly(JSON.stringify({ ...good, model: { ...model, scope: 'x'.repeat(300), digest: 7 } }))?.model).toEqual({ kind: 'if', version: 2 });
    expect(parseAnomaly(JSON.stringify({ ...good, model: { kind: 'if', version: 'two' } }))?.model).toBeUndefined();
  });

  it('keeps the attributes of the anomaly and its context lines, bounded as every host bounds them', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const a = parseAnomaly(JSON.stringify({ ...good, attrs: { host: 'node-b', long: 'x'.repeat(1000), ...many }, contextAttrs: [{ host: 'node-b', n: 3 }] }))!;
    expect(a.attrs?.host).toBe('node-b');
    expect(a.attrs?.long.length).toBeLessThanOrEqual(256);
    expect(Object.keys(a.attrs ?? {}).length).toBe(32);
    expect(a.contextAttrs).toEqual([{ host: 'node-b', n: '3' }]);
    // Context attributes that do not line up with the context lines, or attrs that are not an object: left out.
    expect(parseAnomaly(JSON.stringify({ ...good, attrs: ['x'], contextAttrs: [null, null] }))).toEqual(good);
  });
});
