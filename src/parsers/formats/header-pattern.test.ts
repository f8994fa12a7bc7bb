import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AnomalogError } from '../../core/errors.js';
import { LineSplitter, type RawLine } from '../lines/line-splitter.js';
import { HeaderPatternFormat, fieldsFactory } from './header-pattern.js';
import { compileLayout, countCaptures, scanLayout } from './layout.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/logs/loghub-samples/', import.meta.url));
const FORMATS = JSON.parse(readFileSync(FIXTURES + 'log-formats.json', 'utf8')) as Record<string, string>;
const ARRIVAL = Date.UTC(2026, 10, 24, 12, 0, 0);

function readLines(file: string): RawLine[] {
  const s = new LineSplitter();
  return [...s.push(readFileSync(FIXTURES + file)), ...s.end()];
}

/** Minimal RFC 4180 reader for the fixture CSVs. */
function readCsv(file: string): Record<string, string>[] {
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
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
    } else f += c;
  }
  if (f !== '' || row.length > 0) {
    row.push(f);
    rows.push(row);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

describe('HeaderPatternFormat on the 12 Loghub layouts', () => {
  for (const [system, layout] of Object.entries(FORMATS)) {
    it(`${system}: header fields and Content equal logpai's extraction`, () => {
      const format = new HeaderPatternFormat(layout);
      const lines = readLines(`${system}.log`);
      const truth = readCsv(`${system}.structured.csv`);
      expect(lines).toHaveLength(truth.length);
      for (let i = 0; i < lines.length; i++) {
        const r = format.extract(lines[i].text, lines[i].line, ARRIVAL, system);
        const want = truth[i];
        expect(r.message).toBe(want.Content.trim()); // Loghub's corrected CSV trims Content
        for (const [name, value] of Object.entries(want)) {
          if (name === 'LineId' || name === 'Content' || name.startsWith('Event')) continue;
          const got = String(r.fields?.[name] ?? '');
          // pandas wrote optional numeric fields as floats (Thunderbird PID 2915 → "2915.0").
          if (got.trim() !== value.trim()) expect(Number(got)).toBe(Number(value));
        }
        expect(r.tsFromArrival).toBe(false);
        expect(r.raw).toBe(lines[i].text);
        expect(r.line).toBe(lines[i].line);
        expect(r.source).toBe(system);
      }
      expect(format.stats).toEqual({ matched: lines.length, unmatched: 0 });
    });
  }

  it('takes the time from the layout fields, combined as each system splits them', () => {
    const first = (system: string): number => {
      const line = readLines(`${system}.log`)[0];
      return new HeaderPatternFormat(FORMATS[system]).extract(line.text, 1, ARRIVAL, system).ts;
    };
    expect(first('HDFS')).toBe(Date.UTC(2008, 10, 9, 20, 36, 15)); // 081109 203615
    expect(first('Zookeeper')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44, 747));
    expect(first('Spark')).toBe(Date.UTC(2017, 5, 9, 20, 10, 40));
    expect(first('HealthApp')).toBe(Date.UTC(2017, 11, 23, 22, 15, 29, 606));
    expect(first('Apache')).toBe(Date.UTC(2005, 11, 4, 4, 47, 44));
    expect(first('Windows')).toBe(Date.UTC(2016, 8, 28, 4, 30, 30));
    // BGL and Thunderbird carry an epoch-seconds field: the absolute time wins.
    expect(first('BGL')).toBe(1117838570_000);
    expect(first('Thunderbird')).toBe(1131566461_000);
    // Month + day-of-month + time, year from arrival (Nov 2026): Linux "Jun 14", OpenSSH "Dec 10"
    // (more than a week after arrival → previous year), Android "03-17", Proxifier "10.30".
    expect(first('Linux')).toBe(Date.UTC(2026, 5, 14, 15, 16, 1));
    expect(first('OpenSSH')).toBe(Date.UTC(2025, 11, 10, 6, 55, 46));
    expect(first('Android')).toBe(Date.UTC(2026, 2, 17, 16, 13, 38, 811));
    expect(first('Proxifier')).toBe(Date.UTC(2026, 9, 30, 16, 49, 6));
  });

  it('reads levels from Level-like fields only when they are levels', () => {
    const hdfs = new HeaderPatternFormat(FORMATS.HDFS);
    expect(hdfs.extract(readLines('HDFS.log')[0].text, 1, ARRIVAL, 's').level).toBe('info');
    const android = new HeaderPatternFormat(FORMATS.Android);
    expect(android.extract(readLines('Android.log')[0].text, 1, ARRIVAL, 's').level).toBe('debug');
    // Loghub's Linux layout calls the host name <Level>: "combo" is no level.
    const linux = new HeaderPatternFormat(FORMATS.Linux);
    const r = linux.extract(readLines('Linux.log')[0].text, 1, ARRIVAL, 's');
    expect(r.level).toBeUndefined();
    expect(r.fields?.Level).toBe('combo');
  });
});

describe('HeaderPatternFormat on other input', () => {
  const layout = '<Date> <Time> <Level> <Component>: <Content>';

  it('turns a line that does not match into a record (whole text) and counts it', () => {
    const f = new HeaderPatternFormat(layout);
    const r = f.extract('garbage without header', 7, ARRIVAL, 'app');
    expect(r).toMatchObject({ message: 'garbage without header', raw: 'garbage without header', line: 7, ts: ARRIVAL, tsFromArrival: true });
    expect(f.stats).toEqual({ matched: 0, unmatched: 1 });
    expect(f.isRecordStart('garbage without header')).toBe(false);
    expect(f.isRecordStart('2024-01-02 10:00:00 INFO app: started')).toBe(true);
  });

  it('keeps the continuation lines of a joined multi-line record in the Content', () => {
    const f = new HeaderPatternFormat(layout);
    const text = '2024-01-02 10:00:00 ERROR app.Main: boom\n\tat a.b.C.run(C.java:10)\nCaused by: x';
    const r = f.extract(text, 3, ARRIVAL, 'app');
    expect(r.message).toBe('boom\n\tat a.b.C.run(C.java:10)\nCaused by: x');
    expect(r.level).toBe('error');
    expect(r.ts).toBe(Date.UTC(2024, 0, 2, 10));
  });

  it('falls back to the arrival time when the layout has no time field', () => {
    const f = new HeaderPatternFormat('<Level>\\|<Content>');
    const r = f.extract('WARN|disk almost full', 1, ARRIVAL, 'x');
    expect(r).toMatchObject({ level: 'warn', message: 'disk almost full', ts: ARRIVAL, tsFromArrival: true });
  });

  it('handles a Content that is not the last field (regex path)', () => {
    const f = new HeaderPatternFormat('<Level>: <Content> \\[<Thread>\\]');
    expect(f.layout.steps).toBeNull();
    const r = f.extract('WARN: queue is full [worker-3]', 1, ARRIVAL, 'x');
    expect(r).toMatchObject({ level: 'warn', message: 'queue is full', fields: { Level: 'WARN', Thread: 'worker-3' } });
  });

  it('matches in bounded time on long hostile lines', () => {
    const hostile = ['x (['.repeat(50_000), 'a '.repeat(100_000), '[x] '.repeat(50_000), 'a:b@c - '.repeat(25_000)];
    for (const layout of Object.values(FORMATS)) {
      const f = new HeaderPatternFormat(layout);
      const t0 = performance.now();
      for (const h of hostile) f.extract(h, 1, ARRIVAL, 'x');
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });

  it('rejects layouts without Content or with broken regex syntax, with a stable code', () => {
    const code = (l: string): string | undefined => {
      try {
        compileLayout(l);
        return undefined;
      } catch (e) {
        return e instanceof AnomalogError ? e.code : 'other';
      }
    };
    expect(code('<Date> <Time>')).toBe('ANOMALOG_ERR_FORMAT_INVALID');
    expect(code('<Date> (<Time> <Content>')).toBe('ANOMALOG_ERR_FORMAT_INVALID');
    expect(code('<Date> <Message>')).toBeUndefined();
  });

  it('builds fields for any field name, quotes and code-like names included', () => {
    const names = ['a"b', 'c\\d', "x: 1}); throw 1; ({y", '__proto__', 'Content'];
    const f = fieldsFactory(names, 4);
    const o = f(['1', '2', '3', '4', 'msg']);
    expect(Object.keys(o)).toEqual(names.slice(0, 4));
    expect(Object.values(o)).toEqual(['1', '2', '3', '4']);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    const g = fieldsFactory(['Level', 'Content'], 1);
    expect(g(['INFO', 'm'])).toEqual({ Level: 'INFO' });
  });

  it('counts capture groups the way the regex engine numbers them', () => {
    expect(countCaptures('(\\[x\\])?: ')).toBe(1);
    expect(countCaptures('(?:a)(?=b)(?<n>c)[(]\\(')).toBe(1);
    expect(countCaptures('((a)(b))')).toBe(3);
  });
});

describe('layout scanner', () => {
  // The scanner must find exactly what the compiled regex finds, or defer to it.
  const layouts = Object.values(FORMATS).map(compileLayout).filter((l) => l.steps !== null);

  it('is used for the plain Loghub layouts', () => {
    expect(layouts.length).toBe(10); // all but Linux and Thunderbird, whose `(\[<PID>\])?` group needs the regex
  });

  it('agrees with the regex on real lines and on perturbed ones', () => {
    const base: string[] = [];
    for (const system of Object.keys(FORMATS)) for (const l of readLines(`${system}.log`)) base.push(l.text.trim());
    const variants = base.flatMap((t) => [
      t, t.replace(' ', '  '), t.replace(' ', '\t'), t.slice(0, 25), t.replace(/:/, ''), ' '.repeat(3) + t,
      t.replace(' ', ' \n '), t.replace(/ - /, ' -  - '), t.replace(/ - /, '- '), t.replace(':', ' :'),
      t.replace(/\[/, '\n['), t.replace(/\|/, '\n|'), t.replace(/ /g, '\u00a0'), t.replace(/@/, ' @'),
    ]);
    for (const layout of layouts) {
      const bounds = new Int32Array(2 * layout.names.length);
      for (const v of variants) {
        const s = v.trim();
        if (!scanLayout(layout.steps!, s, bounds)) continue;
        const m = layout.regex.exec(s);
        expect(m, s).not.toBeNull();
        for (let i = 0; i < layout.names.length; i++) {
          expect(s.slice(bounds[2 * i], bounds[2 * i + 1])).toBe(m![layout.groups[i]]);
        }
      }
    }
  });
});
