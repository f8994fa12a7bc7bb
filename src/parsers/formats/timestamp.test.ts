import { describe, expect, it } from 'vitest';
import { TimestampParser, daysFromCivil, epochToMs } from './timestamp.js';

const REF = Date.UTC(2026, 10, 24, 12, 0, 0); // arrival: 2026-11-24T12:00Z
const p = new TimestampParser();
const parse = (s: string, ref = REF): number => p.parse(s, ref);

describe('TimestampParser', () => {
  it('reads ISO 8601 / RFC 3339 with zones, and without (as UTC)', () => {
    expect(parse('2015-07-29T17:41:44.747Z')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44, 747));
    expect(parse('2015-07-29T17:41:44+02:00')).toBe(Date.UTC(2015, 6, 29, 15, 41, 44));
    expect(parse('2015-07-29T17:41:44-0530')).toBe(Date.UTC(2015, 6, 29, 23, 11, 44));
    expect(parse('2015-07-29T17:41:44.123456789+01')).toBe(Date.UTC(2015, 6, 29, 16, 41, 44, 123));
    expect(parse('2015-07-29 17:41:44 UTC')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44));
    expect(parse('2015-07-29 17:41')).toBe(Date.UTC(2015, 6, 29, 17, 41));
    expect(parse('2015-07-29')).toBe(Date.UTC(2015, 6, 29));
    expect(parse('  2015-07-29T17:41:44Z  ')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44));
    expect(parse('20171223T221529Z')).toBe(Date.UTC(2017, 11, 23, 22, 15, 29));
  });

  it('agrees with Date.parse on ISO strings with explicit zones', () => {
    for (const s of ['2001-02-03T04:05:06.789Z', '1999-12-31T23:59:59+14:00', '2024-02-29T00:00:00-12:00']) {
      expect(parse(s)).toBe(Date.parse(s));
    }
  });

  it("reads the Loghub systems' own shapes", () => {
    expect(parse('081109 203615')).toBe(Date.UTC(2008, 10, 9, 20, 36, 15)); // HDFS
    expect(parse('2005-06-03-15.42.50.675872')).toBe(Date.UTC(2005, 5, 3, 15, 42, 50, 675)); // BGL
    expect(parse('2005.06.03')).toBe(Date.UTC(2005, 5, 3)); // BGL Date
    expect(parse('17/06/09 20:10:40')).toBe(Date.UTC(2017, 5, 9, 20, 10, 40)); // Spark
    expect(parse('2015-07-29 17:41:44,747')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44, 747)); // Zookeeper
    expect(parse('03-17 16:13:38.811')).toBe(Date.UTC(2026, 2, 17, 16, 13, 38, 811)); // Android
    expect(parse('20171223-22:15:29:606')).toBe(Date.UTC(2017, 11, 23, 22, 15, 29, 606)); // HealthApp
    expect(parse('20171223-22:32:0:95')).toBe(Date.UTC(2017, 11, 23, 22, 32, 0, 95)); // HealthApp, unpadded
    expect(parse('10.30 16:49:06')).toBe(Date.UTC(2026, 9, 30, 16, 49, 6)); // Proxifier
    expect(parse('2016-09-28 04:30:30')).toBe(Date.UTC(2016, 8, 28, 4, 30, 30)); // Windows
    expect(parse('Jun 14 15:16:01')).toBe(Date.UTC(2026, 5, 14, 15, 16, 1)); // Linux
    expect(parse('Nov 9 12:01:01')).toBe(Date.UTC(2026, 10, 9, 12, 1, 1)); // Thunderbird
    expect(parse('Sun Dec 04 04:47:44 2005')).toBe(Date.UTC(2005, 11, 4, 4, 47, 44)); // Apache error
  });

  it('reads syslog RFC 3164 times, inferring the year from the arrival time', () => {
    expect(parse('Jun  4 15:16:01')).toBe(Date.UTC(2026, 5, 4, 15, 16, 1));
    // A December line arriving on 2 January belongs to the previous year.
    expect(parse('Dec 31 23:59:59', Date.UTC(2027, 0, 2))).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
    // Up to a week ahead of arrival is kept in the arrival year (clock skew).
    expect(parse('Nov 28 00:00:00')).toBe(Date.UTC(2026, 10, 28));
    expect(parse('Feb 29 10:00:00', Date.UTC(2024, 5, 1))).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parse('Jun 14 2005 15:16:01')).toBe(Date.UTC(2005, 5, 14, 15, 16, 1));
  });

  it('reads Apache access-log and RFC 2822 times', () => {
    expect(parse('10/Oct/2000:13:55:36 -0700')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(parse('Tue, 15 Nov 1994 08:12:31 GMT')).toBe(Date.UTC(1994, 10, 15, 8, 12, 31));
    expect(parse('Wed Oct 11 14:32:52.123456 2000')).toBe(Date.UTC(2000, 9, 11, 14, 32, 52, 123));
  });

  it('reads US and European day orders', () => {
    expect(parse('06/09/2017 20:10:40')).toBe(Date.UTC(2017, 5, 9, 20, 10, 40));
    expect(parse('25/09/2017 20:10:40')).toBe(Date.UTC(2017, 8, 25, 20, 10, 40));
    expect(parse('30.10.2016 16:49:06')).toBe(Date.UTC(2016, 9, 30, 16, 49, 6));
  });

  it('reads epoch seconds, milliseconds, micro- and nanoseconds', () => {
    expect(parse('1117838570')).toBe(1117838570000);
    expect(parse('1117838570.675')).toBe(1117838570675);
    expect(parse('1117838570675')).toBe(1117838570675);
    expect(parse('1117838570675872')).toBe(1117838570675);
    expect(parse('1117838570675872123')).toBe(1117838570675);
    expect(epochToMs(1117838570)).toBe(1117838570000);
    expect(epochToMs(1117838570.5)).toBe(1117838570500);
    expect(epochToMs(1117838570675)).toBe(1117838570675);
    expect(Number.isNaN(epochToMs(-1))).toBe(true);
  });

  it('rejects what is not a timestamp', () => {
    for (const s of ['', 'hello', '081109', '12345', '17:41:44', '2015-13-01', '2015-02-30', '2015-07-29T25:00',
      '2015-07-29 17:41:44 PST', 'Foo 14 15:16:01', '2015-07-29Tx', '03-17', '1.5', 'Jun 14']) {
      expect(Number.isNaN(parse(s)), s).toBe(true);
      expect(p.lastScore).toBe(0);
    }
  });

  it('scores completeness so callers can pick the best field', () => {
    parse('2005.06.03');
    const dateOnly = p.lastScore;
    parse('Nov 9 12:01:01');
    const noYear = p.lastScore;
    parse('2005-06-03 15:42:50');
    const full = p.lastScore;
    parse('1117838570');
    const epoch = p.lastScore;
    expect(dateOnly).toBeLessThan(noYear);
    expect(noYear).toBeLessThan(full);
    expect(full).toBeLessThan(epoch);
  });

  it('computes days from civil dates like Date.UTC', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [1900, 3, 1], [2038, 1, 19], [1969, 12, 31], [2400, 12, 31]]) {
      expect(daysFromCivil(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
    }
  });

  it('uses 1970 as the year when no reference time is given', () => {
    expect(p.parse('Jan 02 00:00:00')).toBe(Date.UTC(1970, 0, 2));
  });
});
