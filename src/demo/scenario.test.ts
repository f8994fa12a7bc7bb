import { describe, expect, it } from 'vitest';
import { INCIDENTS, Scenario } from './scenario.js';

const LIVE = 1_800_000_000_000;

describe('demo scenario', () => {
  const sc = new Scenario({ liveStart: LIVE, cycleSeconds: 300, incidents: true });

  it('history is quiet; each incident starts once per cycle, in order, and ends within the cycle', () => {
    expect(sc.startsBetween(LIVE - 600_000, LIVE)).toEqual([]);
    expect(sc.effectsAt(LIVE - 1)).toEqual({ silent: new Set(), mods: { latencyFactor: 1 }, extras: [] });
    const two = sc.startsBetween(LIVE, LIVE + 600_000);
    expect(two.map((s) => `${s.cycle}:${s.incident.kind}`)).toEqual([
      ...INCIDENTS.map((i) => `0:${i.kind}`),
      ...INCIDENTS.map((i) => `1:${i.kind}`),
    ]);
    for (const s of two) {
      expect(s.start).toBe(LIVE + s.cycle * 300_000 + s.incident.at * 1000);
      expect(s.end - LIVE - s.cycle * 300_000).toBeLessThanOrEqual(180_000); // fits the shortest cycle allowed
    }
    // Split windows see each start exactly once.
    const pieces = [];
    for (let t = LIVE; t < LIVE + 600_000; t += 7_000) pieces.push(...sc.startsBetween(t, t + 7_000));
    expect(pieces).toEqual(two);
  });

  it('effects follow the timeline', () => {
    const at = (s: number) => sc.effectsAt(LIVE + s * 1000);
    expect(at(14).extras).toEqual([]);
    expect(at(20).extras.map((x) => x.service)).toEqual(['api']);
    expect(at(95).mods.latencyFactor).toBe(40);
    expect(at(111).mods.latencyFactor).toBe(1);
    expect([...at(125).silent]).toEqual(['web']);
    expect(at(300 + 125).silent.has('web')).toBe(true); // next cycle
    // The warning trend rises in steps.
    const trend = (s: number) => at(s).extras.find((x) => x.service === 'db')?.rate ?? 0;
    expect(trend(55)).toBeGreaterThan(0);
    expect(trend(75)).toBeGreaterThan(trend(55) * 2.5);
    expect(trend(125)).toBeGreaterThan(trend(95) * 2.5);
    expect(trend(131)).toBe(0);
  });

  it('incidents: false is normal traffic only', () => {
    const off = new Scenario({ liveStart: LIVE, cycleSeconds: 300, incidents: false });
    expect(off.startsBetween(LIVE, LIVE + 600_000)).toEqual([]);
    for (let s = 0; s < 300; s += 5) expect(off.effectsAt(LIVE + s * 1000).extras).toEqual([]);
  });
});
