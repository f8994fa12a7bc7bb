/**
 * @module demo/labelled
 * The demo's scripted incidents as a labelled dataset: the demo's own generator and scenario
 * (src/demo, seeded and deterministic) write `historyMinutes` of normal traffic and then `cycles`
 * incident cycles for its four services (`demo:web`, `demo:api`, `demo:db`, `demo:auth`, as the
 * demo's ingest names them), one simulated second at a time. Each scheduled incident is one episode
 * on its service's source, from its start to its end; a line of that service within that time is
 * an alert line (to the second: the generator draws each line's time within its second), every other
 * line is normal. A silence has no line: only the `source` rule (time and source) can find it.
 */
import type { StreamDataset, StreamDatasetEntry } from '../eval/stream/datasets.js';
import type { Episode, LabelledLine } from '../eval/stream/episodes.js';
import { DemoGenerator } from './generator.js';
import { Scenario } from './scenario.js';
import { SERVICE_NAMES } from './services/common.js';

export interface DemoDatasetOptions {
  cycles: number;
  seed?: number;
  historyMinutes?: number;
  cycleSeconds?: number;
}

/** A fixed start (on a 10-s boundary), so every run replays the same lines at the same times. */
const LIVE_START = Date.UTC(2026, 0, 5, 9, 0, 0);

export function demoDataset(o: DemoDatasetOptions): StreamDataset {
  const seed = o.seed ?? 1;
  const historyMs = (o.historyMinutes ?? 10) * 60_000;
  const cycleSeconds = o.cycleSeconds ?? 300;
  const historyStart = LIVE_START - historyMs;
  const end = LIVE_START + o.cycles * cycleSeconds * 1000;
  const scenario = new Scenario({ liveStart: LIVE_START, cycleSeconds, incidents: true });
  const gen = new DemoGenerator({ seed, origin: historyStart, scenario });
  const scheduled = scenario.startsBetween(LIVE_START, end);
  const episodes: Episode[] = scheduled.map((s, i) => ({
    index: i,
    category: s.incident.kind,
    source: `demo:${s.incident.service}`,
    start: s.start,
    end: s.end,
    first: s.cycle === 0,
    lines: [],
  }));
  const lines: LabelledLine[] = [];
  const next: Record<string, number> = {};
  for (let t = historyStart; t < end; t += 1000) {
    const second = gen.second(t);
    for (const service of SERVICE_NAMES) {
      const source = `demo:${service}`;
      // Incidents of one service may overlap (the db's trend and slowdown): a line belongs to each.
      const eps = episodes.filter((e) => e.source === source && t >= e.start && t < e.end);
      for (const text of second[service]) {
        const line = (next[source] = (next[source] ?? 0) + 1);
        lines.push({ source, text, line, ts: t, label: eps.length > 0 ? eps[0].category : null });
        for (const e of eps) e.lines.push(line);
      }
    }
  }
  return {
    name: 'demo',
    kind: 'demo',
    lines,
    episodes,
    rule: 'source',
    origin: `src/demo generator and scenario: seed ${seed}, ${historyMs / 60_000} min of history, ${o.cycles} cycles of ${cycleSeconds} s`,
  };
}

export function demoDatasetEntry(o: DemoDatasetOptions): StreamDatasetEntry {
  return { name: 'demo', load: () => demoDataset(o) };
}
