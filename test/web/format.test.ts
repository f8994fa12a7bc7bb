/** Pure helpers of the web UI (web/src), run by vitest in Node: no DOM needed. */
import { describe, expect, it } from 'vitest';
import { fromLocalInput, matchesTemplate, toLocalInput } from '../../web/src/format.js';
import { parseRoute } from '../../web/src/route.js';

describe('matchesTemplate (which context lines the detail page marks as anomalous)', () => {
  it('matches a line to its mined template, placeholders standing for one value, header allowed before', () => {
    expect(matchesTemplate('disk /dev/sda3 failed: read-only file system', 'disk <PATH> failed: read-only file system')).toBe(true);
    expect(matchesTemplate('081109 203615 148 INFO dfs.DataNode: PacketResponder 1 for block blk_38 terminating', 'PacketResponder <NUM> for block <ID> terminating')).toBe(true);
    expect(matchesTemplate('user=42 took 17ms', 'user=<NUM> took <NUM>ms')).toBe(true);
    expect(matchesTemplate('<img src=x onerror=alert(1)>', '<img src=x onerror=alert(<NUM>)>')).toBe(true);
  });

  it('does not match other lines', () => {
    expect(matchesTemplate('worker 3 finished job 21 in 13 ms', 'disk <PATH> failed: read-only file system')).toBe(false);
    expect(matchesTemplate('PacketResponder 1 for block blk_38 terminating now', 'PacketResponder <NUM> for block <ID> terminating')).toBe(false);
    expect(matchesTemplate('user=42 took 17s', 'user=<NUM> took <NUM>ms')).toBe(false);
    expect(matchesTemplate('anything', '')).toBe(false);
  });
});

describe('parseRoute (hash routing; alert links are /#/anomalies/<id>)', () => {
  it('maps hashes to views and decodes ids', () => {
    expect(parseRoute('')).toEqual({ view: 'overview' });
    expect(parseRoute('#/')).toEqual({ view: 'overview' });
    expect(parseRoute('#/anomalies')).toEqual({ view: 'anomalies' });
    expect(parseRoute('#/anomalies/a%2Fb%20c')).toEqual({ view: 'anomaly', id: 'a/b c' });
    expect(parseRoute('#/templates')).toEqual({ view: 'templates' });
    expect(parseRoute('#/nope')).toEqual({ view: 'notfound', path: '/nope' });
    expect(parseRoute('#/anomalies/%E0%A4%A')).toEqual({ view: 'notfound', path: '/anomalies/%E0%A4%A' });
  });
});

describe('datetime-local conversion', () => {
  it('round-trips minutes and treats empty or invalid input as no bound', () => {
    const t = new Date(2026, 10, 30, 14, 5).getTime();
    expect(fromLocalInput(toLocalInput(t))).toBe(t);
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('not a date')).toBeUndefined();
    expect(toLocalInput(undefined)).toBe('');
  });
});
