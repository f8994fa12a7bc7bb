import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { SessionWindower } from './session-window.js';
import { TimeWindower } from './time-window.js';

function ev(ts: number, templateId: number, message: string, source = 'app', fields?: Record<string, unknown>): LogEvent {
  return { ts, source, message, raw: `${ts} ${message}`, templateId, template: '', params: [], fields };
}

describe('session windows', () => {
  it('closes a session after the inactivity timeout of event time', () => {
    const w = new SessionWindower({ key_regex: 'blk_-?\\d+', inactivity_ms: 100 });
    expect(w.add([ev(0, 1, 'open blk_1'), ev(50, 2, 'write blk_1'), ev(60, 1, 'open blk_2')])).toEqual([]);
    // At t=155 blk_1 has been silent 105 ms (> 100): it closes; blk_2 (silent 95 ms) stays open.
    const closed = w.add([ev(155, 3, 'close blk_2')]);
    expect(closed.map((c) => [c.key, c.reason, Array.from(c.templates)])).toEqual([['blk_1', 'inactivity', [1, 2]]]);
    expect(closed[0].window).toEqual({ start: 0, end: 50 });
    // The same key coming back after a gap opens a new session.
    const again = w.add([ev(400, 4, 'again blk_2')]);
    expect(again.map((c) => [c.key, c.reason, Array.from(c.templates)])).toEqual([['blk_2', 'inactivity', [1, 3]]]);
    expect(w.flush().map((c) => [c.key, c.reason, Array.from(c.templates)])).toEqual([['blk_2', 'end-of-input', [4]]]);
  });

  it('closes a session at max duration even when it never goes quiet', () => {
    const w = new SessionWindower({ key_regex: 'req=(\\w+)', inactivity_ms: 1_000, max_duration_ms: 250 });
    const events = [0, 100, 200, 300, 400].map((t) => ev(t, 7, `step req=abc`));
    const closed = w.add(events);
    expect(closed).toHaveLength(1);
    expect(closed[0].key).toBe('abc'); // capture group 1 is the key
    expect(closed[0].reason).toBe('max-duration');
    expect(closed[0].templates.length).toBe(3);
    expect(w.flush()[0].templates.length).toBe(2);
  });

  it('feeds every distinct key in a line and reads keys from a structured field', () => {
    const w = new SessionWindower({ key_regex: 'blk_-?\\d+' });
    w.add([ev(0, 1, 'copy blk_1 to blk_-2 (blk_1)')]);
    expect(w.flush().map((c) => c.key).sort()).toEqual(['blk_-2', 'blk_1']);
    const f = new SessionWindower({ key_field: 'trace' });
    f.add([ev(0, 1, 'a', 'app', { trace: 't1' }), ev(1, 2, 'b', 'app'), ev(2, 3, 'c', 'app', { trace: 't1' })]);
    expect(f.unkeyed).toBe(1);
    expect(Array.from(f.flush()[0].templates)).toEqual([1, 3]);
    expect(() => new SessionWindower({})).toThrow(/exactly one/);
  });

  it('caps open sessions with LRU eviction, returning the evicted session', () => {
    const w = new SessionWindower({ key_regex: 'k\\d+', max_sessions: 2, inactivity_ms: 1e9 });
    const closed = w.add([ev(0, 1, 'k1'), ev(1, 1, 'k2'), ev(2, 1, 'k1'), ev(3, 1, 'k3')]);
    expect(closed.map((c) => [c.key, c.reason])).toEqual([['k2', 'evicted']]);
    expect(w.openSessions).toBe(2);
  });
});

describe('time windows', () => {
  it('tumbles: each event in exactly one window, closed when event time passes the end', () => {
    const w = new TimeWindower({ size_ms: 100 });
    const closed = w.add([ev(5, 1, 'a'), ev(50, 2, 'b'), ev(120, 3, 'c'), ev(250, 4, 'd')]);
    expect(closed.map((c) => [c.window.start, c.window.end, Array.from(c.templates)])).toEqual([
      [0, 100, [1, 2]],
      [100, 200, [3]],
    ]);
    expect(w.flush().map((c) => [c.window.start, c.reason])).toEqual([[200, 'end-of-input']]);
  });

  it('slides by step: an event lands in size/step windows', () => {
    const w = new TimeWindower({ size_ms: 100, step_ms: 50 });
    w.add([ev(60, 1, 'a')]);
    const all = w.flush();
    expect(all.map((c) => c.window)).toEqual([
      { start: 0, end: 100 },
      { start: 50, end: 150 },
    ]);
  });

  it('keeps windows per source and counts late events', () => {
    const w = new TimeWindower({ size_ms: 100 });
    const closed = w.add([ev(10, 1, 'x', 'a'), ev(20, 2, 'y', 'b'), ev(150, 3, 'z', 'a'), ev(30, 4, 'late', 'a')]);
    expect(closed.map((c) => c.key)).toEqual(['a@0']);
    expect(w.late).toBe(1);
    expect(w.flush().map((c) => c.key).sort()).toEqual(['a@100', 'b@0']);
  });

  it('caps sources with LRU eviction, closing the evicted source windows', () => {
    const w = new TimeWindower({ size_ms: 1_000, max_sources: 2 });
    const closed = w.add([ev(0, 1, 'x', 's1'), ev(1, 1, 'x', 's2'), ev(2, 1, 'x', 's1'), ev(3, 1, 'x', 's3')]);
    expect(closed.map((c) => c.key)).toEqual(['s2@0']);
    expect(w.tick(5_000).map((c) => c.key).sort()).toEqual(['s1@0', 's3@0']);
  });
});
