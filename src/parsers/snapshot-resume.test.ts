/**
 * A parser restored from its snapshot goes on as the one that took it: the same events (template,
 * message, `novel`) for the lines after it, wherever the snapshot was taken — while the layout is
 * being inferred, between two looks at the misfit share, after a deploy changed the header. A Kafka
 * partition's next owner and `serve` after a restart depend on it (found by bench:kafka's parity).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { LogParser } from './pipeline.js';

const read = (f: string, labelled: boolean) =>
  readFileSync(new URL(`../../test/fixtures/eval-stream/${f}`, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => (labelled ? l.slice(l.indexOf(' ') + 1) : l));
const bgl = read('BGL_2k.head400.log', true);
const hdfs = read('HDFS_2k.head300.log', false);
const ssh = read('OpenSSH_2k.head200.log', false);

/**
 * OpenSSH's syslog records, cycled: no layout in their messages, so the parser learns again every
 * 1,024 messages, from where its counter says; one source whose header changes at line 700 (BGL's,
 * then HDFS's: a deploy); one whose syslog messages carry a relay's header.
 */
const inputs: Record<string, string[]> = {
  openssh: Array.from({ length: 1300 }, (_, i) => ssh[i % ssh.length]),
  deploy: [...Array.from({ length: 700 }, (_, i) => bgl[i % bgl.length]), ...Array.from({ length: 800 }, (_, i) => hdfs[i % hdfs.length])],
  relay: Array.from({ length: 900 }, (_, i) => `<13>Dec 10 06:55:46 relay app[7]: ${hdfs[i % hdfs.length]}`),
};

const view = (e: LogEvent) => [e.line, e.templateId, e.template, e.message, JSON.stringify(e.novel ?? null)].join(' | ');

function straight(lines: string[]): string[] {
  const p = new LogParser({ source: 's', multiline: false });
  return [...p.pushLines(lines.map((text, i) => ({ text, line: i + 1 })), 0), ...p.flush(0)].map(view);
}

function resumed(lines: string[], at: number): string[] {
  const a = new LogParser({ source: 's', multiline: false });
  const first = a.pushLines(lines.slice(0, at).map((text, i) => ({ text, line: i + 1 })), 0);
  const b = new LogParser({ source: 's', multiline: false });
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  return [...first, ...b.pushLines(lines.slice(at).map((text, i) => ({ text, line: at + i + 1 })), 0), ...b.flush(0)].map(view);
}

describe('a restored parser', () => {
  for (const [name, lines] of Object.entries(inputs)) {
    it(`goes on as the one that took the snapshot (${name})`, () => {
      const ref = straight(lines);
      // Past format detection (the parser holds its first lines back until it knows the format).
      for (const at of [60, 70, 100, 130, 133, 137, 300, 511, 700, 760, 1000]) {
        if (at >= lines.length) continue;
        expect(resumed(lines, at), `restored at line ${at}`).toEqual(ref);
      }
    });
  }
});
