/**
 * @module bench/serve/corpus
 * bench:serve's lines (the Loghub 2k systems, or the committed samples when the dataset is absent),
 * the scripted novel lines whose latency it measures, and the SSE client that sees them flagged.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { splitLogLines } from '../../src/eval/loghub.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Corpus {
  systems: { name: string; lines: string[] }[];
  origin: string;
}

export function loadCorpus(dataset: string): Corpus {
  const systems: Corpus['systems'] = [];
  if (existsSync(dataset)) {
    for (const name of readdirSync(dataset).sort()) {
      const f = join(dataset, name, `${name}_2k.log`);
      if (existsSync(f)) systems.push({ name, lines: splitLogLines(readFileSync(f, 'utf8')) });
    }
  }
  if (systems.length > 0) return { systems, origin: `${dataset} (Loghub 2k raw lines, ${systems.length} systems)` };
  const dir = join(root, 'test/fixtures/logs/loghub-samples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.log')).sort()) {
    systems.push({ name: f.replace(/\.log$/, ''), lines: splitLogLines(readFileSync(join(dir, f), 'utf8')) });
  }
  return { systems, origin: `test/fixtures/logs/loghub-samples (dataset absent: ${systems.length} systems, 4–6 lines each)` };
}

export const letters = (n: number): string => {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
};

/**
 * A real line of the system (its header: the source's own format and clock) followed by an error no
 * log has — `ERROR` and 12 never-seen words: what novelty promises to report, a never-seen
 * error-like message once the source has settled. (An info-like line with new words is weaker news
 * and may rightly wait: novelty judges it by the source's discovery rate.)
 */
export function novelLine(base: string, k: number): string {
  const words = [`zqid${letters(k)}x`];
  for (let j = 1; j < 12; j++) words.push(`zq${letters(k * 13 + j)}w`);
  return `${base} ERROR ${words.join(' ')}`;
}
const MARK = /zqid([a-z]+)x/;

/** SSE client: records when each novel marker is first seen on the feed. */
export function watchFeed(url: string, seen: Map<string, number>): { close(): void } {
  const req = request(`${url}/api/stream`, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = MARK.exec(msg);
        if (m && !seen.has(m[1])) seen.set(m[1], now);
      }
    });
  });
  req.end();
  return { close: () => req.destroy() };
}
