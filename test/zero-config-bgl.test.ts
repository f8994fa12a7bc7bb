/**
 * Issue 13's BGL case, parser + novelty detector (the service-level run is
 * `python3 ../shared/checks/zeroconfig-new-error`): zero-config parsing of 3,000 normal BGL lines
 * (label removed), then a burst of a never-seen error; then a restart from the saved state and a
 * second never-seen error. Each burst must raise a novelty anomaly naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../src/core/event.js';
import { noveltyConfigSchema } from '../src/detectors/novelty/config.js';
import { NoveltyDetector } from '../src/detectors/novelty/novelty.js';
import { LogParser } from '../src/parsers/pipeline.js';

const BGL = new URL('../../shared/datasets/bgl/BGL_20k.log', import.meta.url);
const T0 = Date.UTC(2026, 11, 6, 12);

function feed(p: LogParser, d: NoveltyDetector, lines: string[], from: number): Anomaly[] {
  const out: Anomaly[] = [];
  for (let i = 0; i < lines.length; i += 100) {
    const batch = lines.slice(i, i + 100).map((text, k) => ({ text, line: from + i + k }));
    out.push(...d.observe(p.pushLines(batch, T0 + i)));
  }
  out.push(...d.observe(p.flush(T0 + lines.length)));
  return out;
}

describe.skipIf(!existsSync(BGL))('zero config, BGL: a never-seen error burst is reported', () => {
  const raw = existsSync(BGL) ? readFileSync(BGL, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  const normal = raw.filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
  const burst = (what: string) => raw.filter((l) => l.includes(what)).slice(0, 20).map((l) => l.slice(l.indexOf(' ') + 1));
  const about = (found: Anomaly[], word: string) => found.filter((a) => `${a.title} ${a.explanation.map((e) => e.template).join(' ')}`.includes(word));

  it('before and after a restart', () => {
    const cfg = noveltyConfigSchema.parse({});
    const p = new LogParser({ source: 'bgl' });
    const d = new NoveltyDetector(cfg);
    const warm = feed(p, d, normal.slice(0, 3000), 1);
    expect(about(warm, 'TLB')).toEqual([]);
    // The header (epoch, date, node, time, node, RAS KERNEL, level) is not in the templates.
    expect(p.formatSpec?.layout).toMatch(/<Level> <Content>$/);
    const tlb = feed(p, d, burst('data TLB error interrupt'), 3001);
    expect(about(tlb, 'TLB').length).toBeGreaterThan(0);

    // Restart from the saved state (what the store keeps), then another never-seen error.
    const p2 = new LogParser({ source: 'bgl' });
    p2.restore(JSON.parse(JSON.stringify(p.snapshot())));
    const d2 = new NoveltyDetector(cfg);
    d2.restore(JSON.parse(JSON.stringify(d.snapshot())));
    feed(p2, d2, normal.slice(3000, 3200), 3021);
    const rts = feed(p2, d2, burst('rts panic'), 3221);
    expect(about(rts, 'rts panic').length).toBeGreaterThan(0);
    // The first burst is known now: seen again, it raises nothing new.
    expect(about(feed(p2, d2, burst('data TLB error interrupt'), 3241), 'TLB')).toEqual([]);
  });
});
