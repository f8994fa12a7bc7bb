/**
 * bench:serve measures ingest-to-anomaly latency with a scripted novel line (bench/serve/corpus.ts):
 * a real line of a system followed by `ERROR` and 12 never-seen words. The latency is only
 * meaningful if the product reports every such line, so this checks it without timing, on the
 * committed Loghub samples (zero-config parser + novelty detector, as the service runs them): once
 * a source has settled, each never-seen error is reported; a flood of them (a few lines apart) is one
 * finding.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { novelLine } from '../bench/serve/corpus.js';
import type { Anomaly } from '../src/core/event.js';
import { createNovelty } from '../src/detectors/novelty/index.js';
import { splitLogLines } from '../src/eval/loghub.js';
import { LogParser } from '../src/parsers/pipeline.js';

const DIR = new URL('./fixtures/logs/loghub-samples/', import.meta.url);
const systems = readdirSync(DIR)
  .filter((f) => f.endsWith('.log'))
  .sort()
  .map((f) => ({ name: f.replace(/\.log$/, ''), lines: splitLogLines(readFileSync(new URL(f, DIR), 'utf8')) }));
// The bench's own corpus when the shared datasets are there (a user's clone has only the samples).
const LOGHUB = new URL('../../shared/datasets/loghub/', import.meta.url);
const full = existsSync(LOGHUB)
  ? readdirSync(LOGHUB)
      .filter((d) => existsSync(new URL(`${d}/${d}_2k.log`, LOGHUB)))
      .sort()
      .map((d) => ({ name: `${d}_2k`, lines: splitLogLines(readFileSync(new URL(`${d}/${d}_2k.log`, LOGHUB), 'utf8')) }))
  : [];
const T0 = Date.UTC(2026, 11, 7);

/** Feeds `n` known lines of the system (cycled from `from`), then `extra`; returns the findings. */
function feeder(lines: string[]) {
  const p = new LogParser({ source: 'sys' });
  const d = createNovelty();
  let at = 0;
  let line = 1;
  return (n: number, extra: string[] = []): Anomaly[] => {
    const batch = Array.from({ length: n }, () => lines[at++ % lines.length]).concat(extra);
    const out: Anomaly[] = [];
    for (let i = 0; i < batch.length; i += 200) {
      const chunk = batch.slice(i, i + 200).map((text) => ({ text, line: line++ }));
      out.push(...d.observe(p.pushLines(chunk, T0 + line)));
    }
    out.push(...d.observe(p.flush(T0 + line)));
    return out;
  };
}

const marked = (found: Anomaly[], k: number) => found.filter((a) => JSON.stringify(a).includes(`zqid${String.fromCharCode(97 + k)}x`));

describe("bench:serve's novel line", () => {
  it.each(systems.map((s) => [s.name, s.lines] as const))('is reported on a settled %s source, each time', (_name, lines) => {
    const feed = feeder(lines);
    feed(3000);
    for (let k = 0; k < 5; k++) {
      const found = feed(1000, [novelLine(lines[k % lines.length], k)]);
      expect(marked(found, k), `novel line ${k}`).toHaveLength(1);
    }
  });

  it.skipIf(full.length === 0).each(full.map((s) => [s.name, s.lines] as const))('is reported on a settled %s source (the bench corpus), each time', (_name, lines) => {
    const feed = feeder(lines);
    feed(6000);
    for (let k = 0; k < 5; k++) {
      const found = feed(1000, [novelLine(lines[(k * 397) % lines.length], k)]);
      expect(marked(found, k), `novel line ${k}`).toHaveLength(1);
    }
  });

  it('is one finding when several come a few lines apart (a flood)', () => {
    const lines = systems.find((s) => s.name === 'OpenSSH')!.lines;
    const feed = feeder(lines);
    feed(3000);
    const found: Anomaly[] = [];
    for (let k = 0; k < 5; k++) found.push(...feed(10, [novelLine(lines[k % lines.length], k)]));
    expect(found).toHaveLength(1);
    expect(marked(found, 0)).toHaveLength(1);
  });
});
