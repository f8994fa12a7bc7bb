import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HeaderPatternFormat } from './header-pattern.js';
import { inferLayout } from './infer-layout.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/logs/loghub-samples/', import.meta.url));
const BASE = Date.UTC(2023, 10, 14, 22, 13, 20, 123);
/** Arrival time for shapes without a year. */
const ARRIVAL = Date.UTC(2023, 11, 1);

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Every timestamp shape the timestamp parser knows, written for the time `t` (UTC). */
const SHAPES: Record<string, (d: Date) => string> = {
  'ISO 8601 T Z': (d) => d.toISOString(),
  'ISO space comma fraction': (d) => `${ymd(d, '-')} ${hms(d)},${p3(d.getUTCMilliseconds())}`,
  'ISO offset': (d) => `${ymd(d, '-')}T${hms(d)}+00:00`,
  'ISO then UTC': (d) => `${ymd(d, '-')} ${hms(d)} UTC`,
  'slashed date': (d) => `${ymd(d, '/')} ${hms(d)}`,
  'dotted date': (d) => `${ymd(d, '.')} ${hms(d)}`,
  'compact ISO': (d) => `${ymd(d, '')}T${hms(d).replaceAll(':', '')}Z`,
  'BGL dashed-dotted': (d) => `${ymd(d, '-')}-${hms(d).replaceAll(':', '.')}.${p3(d.getUTCMilliseconds())}456`,
  'HealthApp compact': (d) => `${ymd(d, '')}-${hms(d)}:${d.getUTCMilliseconds()}`,
  'HDFS yyMMdd HHmmss': (d) => `${ymd(d, '').slice(2)} ${hms(d).replaceAll(':', '')}`,
  'Spark yy/MM/dd': (d) => `${ymd(d, '/').slice(2)} ${hms(d)}`,
  'Android MM-dd fraction': (d) => `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${hms(d)}.${p3(d.getUTCMilliseconds())}`,
  'Proxifier [MM.dd]': (d) => `[${p2(d.getUTCMonth() + 1)}.${p2(d.getUTCDate())} ${hms(d)}]`,
  'US MM/dd/yyyy': (d) => `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${d.getUTCFullYear()} ${hms(d)}`,
  'European dd.MM.yyyy': (d) => `${p2(d.getUTCDate())}.${p2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${hms(d)}`,
  'syslog RFC 3164': (d) => `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(d)}`,
  'Apache access [..]': (d) => `[${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(d)} +0000]`,
  'asctime bracketed': (d) => `[${DAY[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}]`,
  'asctime': (d) => `${DAY[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}`,
  'RFC 2822': (d) => `${DAY[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hms(d)} GMT`,
  'ISO offset +hhmm': (d) => `${ymd(d, '-')}T${hms(d)}.${p3(d.getUTCMilliseconds())}+0000`,
  'ISO nanoseconds, offset +hh': (d) => `${ymd(d, '-')}T${hms(d)}.${p3(d.getUTCMilliseconds())}456789+00`,
  'ISO without seconds': (d) => `${ymd(d, '-')} ${hms(d).slice(0, 5)}`,
  'HealthApp unpadded': (d) => `${ymd(d, '')}-${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}:${d.getUTCMilliseconds()}`,
  'day first dd/MM/yyyy': (d) => `${p2(d.getUTCDate())}/${p2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${hms(d)}`,
  'syslog with a year': (d) => `${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${d.getUTCFullYear()} ${hms(d)}`,
  'syslog, day unpadded': (d) => `${MON[d.getUTCMonth()]} ${d.getUTCDate()} ${hms(d)}`,
  'asctime with fraction': (d) => `${DAY[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)}.${p3(d.getUTCMilliseconds())}456 ${d.getUTCFullYear()}`,
  'epoch seconds': (d) => String(Math.floor(d.getTime() / 1000)),
  'epoch seconds.fraction': (d) => (d.getTime() / 1000).toFixed(3),
  'epoch ms': (d) => String(d.getTime()),
  'epoch µs': (d) => `${d.getTime()}456`,
  'epoch ns': (d) => `${d.getTime()}456789`,
};

function ymd(d: Date, sep: string): string {
  return `${d.getUTCFullYear()}${sep}${p2(d.getUTCMonth() + 1)}${sep}${p2(d.getUTCDate())}`;
}
function hms(d: Date): string {
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

const MESSAGES = ['job <n> done in 12 ms', 'connection from 10.0.0.<n> closed', 'retrying request <n>', 'cache miss for key user-<n>'];

/** Sample lines: a time (advancing 61 s per line), a level, a component, then varied messages. */
function sample(shape: (d: Date) => string, n = 40): { lines: string[]; times: number[]; messages: string[] } {
  const lines: string[] = [];
  const times: number[] = [];
  const messages: string[] = [];
  const levels = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
  for (let i = 0; i < n; i++) {
    const t = BASE + i * 61_000 + i * 7;
    const msg = MESSAGES[i % MESSAGES.length].replace('<n>', String(i));
    lines.push(`${shape(new Date(t))} ${levels[i % 4]} worker.pool-${i % 3}: ${msg}`);
    times.push(t);
    messages.push(msg);
  }
  return { lines, times, messages };
}

describe('inferLayout: every timestamp shape the parser knows, as a header', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: finds time, level and component; the message is what follows`, () => {
      const { lines, times, messages } = sample(shape);
      const found = inferLayout(lines);
      expect(found, name).not.toBeNull();
      const f = new HeaderPatternFormat(found!.layout);
      expect(found!.fit).toBe(lines.length);
      for (let i = 0; i < lines.length; i++) {
        const r = f.extract(lines[i], i + 1, ARRIVAL, 's');
        expect(r.message).toBe(messages[i]);
        expect(r.level).toBeDefined();
        expect(r.tsFromArrival).toBe(false);
        // Within the shape's precision (seconds at least; minutes for a time without seconds).
        expect(Math.abs(r.ts - times[i])).toBeLessThan(name === 'ISO without seconds' ? 60_000 : 1000);
      }
    });
  }

  it('reads a time alone before the message (no level, no component)', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${new Date(BASE + i * 1000).toISOString()} connection ${i % 3 ? 'opened' : 'closed'} by peer`);
    const found = inferLayout(lines);
    expect(found?.layout).toBe('<Timestamp> <Content>');
  });

  it('a number after a weak field is not a pid (`user 7 logged in`)', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${new Date(BASE + i * 1000).toISOString()} user ${i} logged ${i % 2 ? 'in' : 'out'}`);
    const found = inferLayout(lines);
    expect(found?.layout).toBe('<Timestamp> <Content>');
  });
});

describe('inferLayout: lines that only look like headers', () => {
  const cases: Record<string, string[]> = {
    'free text': ['Connection from 10.0.0.1 closed', 'Connection from 10.0.0.2 closed', 'Server started on port 8080', 'Shutting down'],
    'a leading count': ['3 files copied to /tmp', '12 files copied to /var', '7 workers ready', '1 worker failed'],
    'an epoch-like number after one word': ['user 1700000000 logged in', 'user 1700000100 logged out', 'user 1700000200 logged in'],
    'key: value lines': ['name: api', 'version: 1.2.3', 'replicas: 3', 'image: nginx:1.25'],
    'a time inside the message': ['job started at 2024-01-01 10:00:00', 'job started at 2024-01-01 10:05:00', 'job ended at 2024-01-01 10:09:00'],
    'a markdown list': ['- first item', '- second item here', '- third'],
    'a level word mid-line': ['the INFO table was updated', 'the WARN table was updated', 'the ERROR table was read'],
    'a version number first': ['1.2.3 released to stable', '1.2.4 released to beta', '2.0.0 planned for May'],
    'a date-like id first': ['20240101-abc build passed', '20240102-def build failed', '20240103-xyz build passed'],
    'a time of day as a value': ['meeting at 10:00 moved', 'standup at 09:30 cancelled', 'review at 16:45 held'],
  };
  for (const [name, lines] of Object.entries(cases)) {
    it(`${name}: no layout`, () => {
      expect(inferLayout(lines)).toBeNull();
    });
  }

  it('needs 90% of lines to agree: timestamps on half of them are no header', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) lines.push(i % 2 === 0 ? `2024-01-01 10:00:${p2(i)} INFO x: started ${i}` : `started worker ${i}`);
    expect(inferLayout(lines)).toBeNull();
  });

  it('ignores continuation lines (indented) in the sample', () => {
    const lines = ['2024-01-01 10:00:00 ERROR app: failed', '\tat com.x.Y.z(Y.java:10)', '2024-01-01 10:00:01 INFO app: ok', '    at more'];
    expect(inferLayout(lines)?.layout).toBe('<Date> <Time> <Level> <Component>: <Content>');
  });
});

describe('inferLayout: common layouts', () => {
  it("Python's default logging layout gets a level and a logger", () => {
    const found = inferLayout(['WARNING:root:disk almost full', 'INFO:app.db:connected', 'ERROR:app.web:request 42 failed']);
    expect(found?.layout).toBe('<Level>:<Logger>:<Content>');
    const r = new HeaderPatternFormat(found!.layout).extract('WARNING:root:disk almost full', 1, ARRIVAL, 's');
    expect([r.level, r.message]).toEqual(['warn', 'disk almost full']);
  });

  it('dpkg.log: the date and time are the header, the action is the message', () => {
    const lines = [
      '2024-03-01 10:00:01 startup archives unpack',
      '2024-03-01 10:00:02 install libfoo:amd64 <none> 1.2.3-1',
      '2024-03-01 10:00:02 status half-installed libfoo:amd64 1.2.3-1',
      '2024-03-01 10:00:03 status unpacked libfoo:amd64 1.2.3-1',
      '2024-03-01 10:00:04 configure libfoo:amd64 1.2.3-1 <none>',
      '2024-03-01 10:00:04 status installed libfoo:amd64 1.2.3-1',
    ];
    expect(inferLayout(lines)?.layout).toBe('<Date> <Time> <Content>');
  });

  it('an aligned (padded) column after the level is the component', () => {
    const lines = ['2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack', '2016-09-28 04:30:31, Info                  CSI    00000001 Warning: Unrecognized', '2016-09-28 04:30:32, Error                 CBS    Failed to start'];
    expect(inferLayout(lines)?.layout).toBe('<Date> <Time>, <Level> <Component> <Content>');
  });
});

/** Minimal RFC 4180 reader for the fixture CSVs (Content column only). */
function contents(file: string): string[] {
  const text = readFileSync(FIXTURES + file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\n') {
      row.push(f.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      f = '';
    } else f += c;
  }
  if (f !== '' || row.length > 0) rows.push([...row, f]);
  const at = rows[0].indexOf('Content');
  return rows.slice(1).map((r) => r[at]);
}

describe('inferLayout on real lines (Loghub excerpts, no layout given)', () => {
  const systems = ['HDFS', 'BGL', 'Spark', 'Zookeeper', 'Thunderbird', 'Windows', 'Linux', 'Android', 'HealthApp', 'Apache', 'Proxifier', 'OpenSSH'];
  for (const sys of systems) {
    it(`${sys}: the inferred header leaves exactly Loghub's Content`, () => {
      const lines = readFileSync(FIXTURES + `${sys}.log`, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
      const found = inferLayout(lines);
      expect(found, sys).not.toBeNull();
      const f = new HeaderPatternFormat(found!.layout);
      const want = contents(`${sys}.structured.csv`);
      expect(lines.map((l) => f.extract(l, 1, ARRIVAL, 's').message.trim())).toEqual(want.map((c) => c.trim()));
    });
  }
});

describe('inferLayout on hostile input', () => {
  it('never throws, and any layout it returns compiles and fits what it claims', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const parts = ['[', ']', '[[', '|', ' ', '  ', '-', ':', ',', 'INFO', 'E', '2024-01-01', '10:00:00', '1700000000', 'x', '\t', '(', ')', '\\', '.*', '<Content>'];
    for (let round = 0; round < 300; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 1 + rnd(30); i++) {
        let l = '';
        for (let k = 0; k < rnd(25); k++) l += parts[rnd(parts.length)];
        lines.push(l);
      }
      const found = inferLayout(lines);
      if (found === null) continue;
      const f = new HeaderPatternFormat(found.layout);
      expect(lines.filter((l) => f.isRecordStart(l)).length).toBeGreaterThanOrEqual(found.fit);
    }
  });
});
