import { describe, expect, it } from 'vitest';
import { detectorContract, type Step } from '../../../test/contract/detector.contract.js';
import type { LogEvent } from '../../core/event.js';
import { serveConfigSchema } from '../../config/schema.js';
import { sessionEvents } from '../../../test/harness/session-events.js';
import { createInvariants } from './index.js';

const TEXT: Record<number, string> = { 1: 'open <*>', 2: 'read <*>', 3: 'close <*>', 4: 'retry <*>' };
const ev = sessionEvents(TEXT);

/**
 * Sessions of `n` opens and as many closes (n = 1..3), 1..3 reads, every 5th with a retry; two
 * sessions interleaved, 1 s apart, each session over within seconds. `closes` bends one session.
 */
function traffic(from: number, sessions: number, tag = 'r', closes?: (s: number, opens: number) => number): LogEvent[] {
  const out: LogEvent[] = [];
  let ts = from;
  for (let s = 0; s < sessions; s++) {
    const key = `${tag}${s}`;
    const opens = 1 + (s % 3);
    for (let k = 0; k < opens; k++) out.push(ev(ts++, 1, key));
    for (let k = 0; k < 1 + ((s >> 1) % 3); k++) out.push(ev(ts++, 2, key));
    if (s % 5 === 0) out.push(ev(ts++, 4, key));
    const c = closes ? closes(s, opens) : opens;
    for (let k = 0; k < c; k++) out.push(ev(ts++, 3, key, 'app', c < opens ? 'error' : 'info'));
  }
  return out;
}

const cfg = { key_regex: 'req=(\\w+)', inactivity_seconds: 0.1, warmup_sessions: 200, remine_sessions: 10_000 };

function incident(): Step[] {
  const steps: Step[] = [];
  const normal = traffic(0, 300);
  for (let i = 0; i < normal.length; i += 200) steps.push({ events: normal.slice(i, i + 200) });
  steps.push({ events: traffic(100_000, 40, 'b', (s, opens) => (s % 10 === 3 ? opens - 1 : opens)) }, { tick: 200_000 });
  return steps;
}

detectorContract('invariants', {
  make: () => createInvariants({ ...cfg, max_open_sessions: 50, max_templates: 20, max_sources: 10 }),
  stream: incident,
});

describe('invariants detector (mined relations per session key)', () => {
  it('learns count(open) = count(close) online and flags the session that opened 3 and closed 2', () => {
    const d = createInvariants(cfg);
    expect(d.observe(traffic(0, 300))).toEqual([]);
    const rel = d.relationsOf('app').map((r) => `${r.templates.join(',')}:${r.coefs.join(',')}`);
    expect(rel).toContain('1,3:1,-1');
    expect(d.observe(traffic(100_000, 100))).toEqual([]);
    const bad = d.observe([...traffic(200_000, 3, 'bad', (s, opens) => (s === 2 ? opens - 1 : opens)), ev(300_000, 2, 'later')]);
    expect(bad).toHaveLength(1);
    expect(bad[0].sessionKey).toBe('bad2');
    expect(bad[0].title).toBe("Broken invariant on app (bad2): count('open <*>') = count('close <*>'), but 3 ≠ 2 (held in 100.0% of 200 sessions).");
    expect(bad[0].explanation[0]).toMatchObject({ templateId: 1, observed: 3, expected: 2, template: 'open <*>' });
    expect(bad[0].severity).toBe('error');
    expect(bad[0].context[0]).toContain('req=bad2');
    // A changed system (every session now closes one less): a bounded number of alarms, then the relation is retired.
    const changed = d.observe([...traffic(400_000, 30, 'v2', (_s, o) => o - 1), ev(500_000, 2, 'later2')]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(10); // retire_breaks 10, bad2 was one
    expect(d.observe([...traffic(600_000, 20, 'v3', (_s, o) => o - 1), ev(700_000, 2, 'later3')])).toEqual([]);
    expect(d.relationsOf('app').find((r) => r.templates.join() === '1,3')?.retired).toBe(true);
  });

  it('closes a silent session on tick (event time estimated from the clock), and nothing before warm-up', () => {
    const d = createInvariants({ ...cfg, warmup_sessions: 50, inactivity_seconds: 60 });
    expect(d.observe(traffic(0, 60))).toEqual([]);
    expect(d.tick(1_000_000)).toEqual([]); // the watermark is known from this tick on: nothing closes yet
    expect(d.stats().closedSessions).toBe(0);
    expect(d.tick(1_000_000 + 61_000)).toEqual([]); // 61 s of clock later every session is silent: closed, mined at 50
    expect(d.stats().closedSessions).toBe(60);
    expect(d.stats().relations).toBeGreaterThan(0);
    expect(d.observe(traffic(2_000_000, 1, 'late', () => 0))).toEqual([]);
    expect(d.tick(2_000_000)).toEqual([]); // the watermark is known from this tick on
    const found = d.tick(2_000_000 + 61_000);
    expect(found.map((a) => a.sessionKey)).toEqual(['late0']);
    const young = createInvariants(cfg);
    expect(young.observe(traffic(0, 150, 'r', (s, o) => (s === 140 ? 0 : o)))).toEqual([]);
  });

  it('bounds its state, keeps unkeyed lines out, and is off by default in serve', () => {
    const d = createInvariants({ ...cfg, max_open_sessions: 5, max_training_sessions: 30, warmup_sessions: 20, inactivity_seconds: 3600 });
    d.observe(traffic(0, 100));
    d.observe([{ ...ev(9_999, 2, 'x'), message: 'no key here' }]);
    const s = d.stats();
    expect(s.openSessions).toBeLessThanOrEqual(5);
    expect(s.closedSessions).toBe(95); // 100 sessions, 5 still open; the unkeyed line opened none
    expect(serveConfigSchema.parse({}).detectors.invariants.enabled).toBe(false);
    expect(() => createInvariants({ warmup_sessions: 1 })).toThrow(/invariants\.warmup_sessions/);
    expect(() => createInvariants({ mining: { min_hold: 2 } })).toThrow(/invariants\.mining\.min_hold/);
  });

  it('without key_regex: time windows per source', () => {
    const d = createInvariants({ window_seconds: 1, warmup_sessions: 30 });
    // Each 1 s window holds one whole session here (events 1 ms apart, sessions padded to 1 s).
    const events: LogEvent[] = [];
    for (let s = 0; s < 60; s++) for (const e of traffic(0, 1, `w${s}`)) events.push({ ...e, ts: s * 1000 + (e.ts % 1000) });
    expect(d.observe(events)).toEqual([]);
    expect(d.relationsOf('app').length).toBeGreaterThan(0);
    const broken = traffic(0, 1, 'x').filter((e) => e.templateId !== 3).map((e) => ({ ...e, ts: 70_000 + e.ts }));
    const found = d.observe([...broken, ev(80_000, 2, 'y')]);
    expect(found).toHaveLength(1);
    expect(found[0].sessionKey).toBeUndefined();
    expect(found[0].title).toMatch(/^Broken invariant on app: count\('open <\*>'\) = count\('close <\*>'\), but 1 ≠ 0/);
  });

  it('keeps the texts of the max_templates templates last seen with a new text, across a snapshot', () => {
    const make = () => createInvariants({ ...cfg, max_templates: 3 });
    type Snap = { data: { sources: { texts: [number, string][] }[] } };
    const ids = (d: ReturnType<typeof make>) => (d.snapshot() as Snap).data.sources[0].texts.map(([id]) => id);
    const d = make();
    // Templates 10..14 (each a new text), then 12 again with its text unchanged: no refresh.
    d.observe([10, 11, 12, 13, 14, 12].map((t, i) => ev(i, t, 'k')));
    expect(ids(d)).toEqual([12, 13, 14]);
    const back = make();
    back.restore(d.snapshot());
    back.observe([ev(10, 15, 'k')]);
    expect(ids(back)).toEqual([13, 14, 15]);
  });
});

