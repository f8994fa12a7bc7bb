import { describe, expect, it } from 'vitest';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import type { LogEvent } from '../../core/event.js';
import { serveConfigSchema } from '../../config/schema.js';
import { sessionEvents } from '../../../test/harness/session-events.js';
import { createSequence } from './index.js';

const TEXT: Record<number, string> = { 1: 'open <*>', 2: 'read <*>', 3: 'close <*>', 4: 'write failed on <*>' };
const ev = sessionEvents(TEXT, (t) => (t === 4 ? 'error' : 'info'));

/** Sessions open → read × (1..3) → close, interleaved two at a time. */
function normalTraffic(from: number, sessions: number): LogEvent[] {
  const out: LogEvent[] = [];
  let ts = from;
  for (let s = 0; s < sessions; s += 2) {
    const a = `r${from + s}`;
    const b = `r${from + s + 1}`;
    const reads = 1 + (s % 3);
    out.push(ev(ts++, 1, a), ev(ts++, 1, b));
    for (let k = 0; k < reads; k++) out.push(ev(ts++, 2, a), ev(ts++, 2, b));
    out.push(ev(ts++, 3, a), ev(ts++, 3, b));
  }
  return out;
}

function incidentStream(): Step[] {
  const normal = normalTraffic(0, 300);
  const bad = [ev(9_000, 3, 'bad1'), ev(9_001, 1, 'bad2'), ev(9_002, 2, 'bad2'), ev(9_003, 4, 'bad2'), ev(9_004, 2, 'bad4'), ev(9_005, 1, 'bad4')];
  const steps: Step[] = [];
  for (let i = 0; i < normal.length; i += 100) steps.push({ events: normal.slice(i, i + 100) });
  steps.push({ events: bad }, { tick: 10_000 }, { events: normalTraffic(20_000, 40) });
  return steps;
}

detectorContract('sequence', {
  make: () => createSequence({ key_regex: 'req=(\\w+)', warmup_events: 300, history: 4, top_k: 2, max_contexts: 2000, max_keys: 100, max_sources: 10 }),
  stream: incidentStream,
});

describe('sequence detector (next-event per session key)', () => {
  const cfg = { key_regex: 'req=(\\w+)', warmup_events: 500, history: 4, top_k: 2 };

  it('is quiet on more normal traffic and flags an event its session history does not predict', () => {
    const d = createSequence(cfg);
    expect(d.observe(normalTraffic(0, 400))).toEqual([]);
    expect(d.observe(normalTraffic(10_000, 200))).toEqual([]);
    // A session that closes before opening, and one that writes (never seen) after a read.
    const found = d.observe([ev(20_000, 3, 'bad1'), ev(20_001, 1, 'bad2'), ev(20_002, 2, 'bad2'), ev(20_003, 4, 'bad2')]);
    expect(found.map((a) => [a.sessionKey, a.templateId])).toEqual([
      ['bad1', 3],
      ['bad2', 4],
    ]);
    expect(found[1].title).toMatch(/^Unexpected order on app \(bad2\): 'write failed on <\*>' after 'read <\*>'; expected 'read <\*>', 'close <\*>'\.$/);
    expect(found[1].detector).toBe('sequence');
    expect(found[1].severity).toBe('warning');
    // The same transition stays quiet for quiet_events events.
    expect(d.observe([ev(20_010, 1, 'bad3'), ev(20_011, 2, 'bad3'), ev(20_012, 4, 'bad3')])).toEqual([]);
  });

  it('per source without key_regex; snapshot → restore gives the same decisions', () => {
    const d = createSequence({ warmup_events: 100, history: 2, top_k: 1, min_share: 0 });
    const cycle = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from + i, [1, 2, 3][i % 3], 'x'));
    expect(d.observe(cycle(0, 300))).toEqual([]);
    const back = createSequence({ warmup_events: 100, history: 2, top_k: 1, min_share: 0 });
    back.restore(JSON.parse(JSON.stringify(d.snapshot())));
    const probe = [ev(1000, 1, 'x'), ev(1001, 3, 'x')];
    const a = d.observe(probe);
    expect(a).toHaveLength(1);
    expect(back.observe(probe)).toEqual(a);
    expect(() => back.restore({ kind: 'sequence', version: 99, data: {} })).toThrow(/version 99/);
  });

  it('evicts the least recently used keys and contexts, across a snapshot too', () => {
    const make = () => createSequence({ warmup_events: 0, max_contexts: 3, max_keys: 3, history: 1, key_regex: 'req=(\\w+)' });
    type Snap = { data: { sources: { histories: [string, number[]][]; contexts: [string][] }[] } };
    const keys = (x: ReturnType<typeof make>) => (x.snapshot() as Snap).data.sources[0].histories.map(([k]) => k);
    const contexts = (x: ReturnType<typeof make>) => (x.snapshot() as Snap).data.sources[0].contexts.map(([k]) => k);
    // Keys k0..k3, then k2 again: k2 is the most recent, k1 the least recent left.
    const d = make();
    d.observe([0, 1, 2, 3, 2].map((k, i) => ev(i, 1, `k${k}`)));
    expect(keys(d)).toEqual(['k1', 'k3', 'k2']);
    const back = make();
    back.restore(d.snapshot());
    back.observe([ev(10, 1, 'k9')]);
    expect(keys(back)).toEqual(['k3', 'k2', 'k9']);
    // One key through templates 100..109: contexts '', '-1', '100'…'108' (history 1), 3 kept — the
    // empty one (used by every event) and the last two.
    const c = make();
    c.observe(Array.from({ length: 10 }, (_, i) => ev(i, 100 + i, 'k')));
    expect(contexts(c)).toEqual(['107', '', '108']);
    expect(c.stats().evictedContexts).toBe(11 - 3);
  });

  it('bounds its state and is off by default in serve', () => {
    const d = createSequence({ warmup_events: 0, max_contexts: 20, max_keys: 5, key_regex: 'req=(\\w+)' });
    d.observe(normalTraffic(0, 200));
    const s = d.stats();
    expect(s.contexts).toBeLessThanOrEqual(20);
    expect(s.keys).toBeLessThanOrEqual(5);
    expect(serveConfigSchema.parse({}).detectors.sequence.enabled).toBe(false);
    expect(() => createSequence({ top_k: 0 })).toThrow(/sequence\.top_k/);
  });
});
