import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeaderPatternFormat } from './header-pattern.js';

const FORMATS = JSON.parse(readFileSync(new URL('../../../test/fixtures/logs/loghub-samples/log-formats.json', import.meta.url), 'utf8')) as Record<string, string>;
const ARRIVAL = Date.UTC(2026, 10, 24, 12, 0, 0);

const TRICKY = [
  '',
  ' ',
  'plain message',
  '  leading and trailing  ',
  '\tTabbed\t',
  '\u00a0no-break space at the start',
  'no-break space at the end\u00a0',
  '\u0001control first',
  'line one\nline two',
  '\r\nCRLF around\r\n',
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating',
  '2024-01-01 10:00:00 ERROR app:',
  '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL',
  'émoji 😀 and ünïcode',
];

/** `message(text)` must equal `extract(text).message` and move the same counters. */
function check(layout: string, texts: readonly string[]): void {
  const a = new HeaderPatternFormat(layout);
  const b = new HeaderPatternFormat(layout);
  for (const t of texts) {
    expect(b.message(t), `${layout} on ${JSON.stringify(t)}`).toBe(a.extract(t, 1, ARRIVAL, 's').message);
    expect(b.stats).toEqual(a.stats);
  }
}

describe('HeaderPatternFormat.message', () => {
  it('is extract().message for <Content> alone, which matches every text', () => {
    for (const layout of ['<Content>', '<Message>', '<content>']) {
      check(layout, TRICKY);
      const f = new HeaderPatternFormat(layout);
      for (const t of TRICKY) expect(f.isRecordStart(t)).toBe(true);
    }
  });

  it('is extract().message for layouts around <Content> and for every Loghub layout', () => {
    check(' <Content> ', TRICKY);
    check('<Content> ', TRICKY);
    check('<Level>: <Content>', TRICKY);
    for (const layout of Object.values(FORMATS)) check(layout, TRICKY);
  });
});
