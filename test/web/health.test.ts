/** Health dots of the overview (web/src/health.ts): recent failures only, never a cumulative counter. */
import { describe, expect, it } from 'vitest';
import { baseline, capsVerdict, sinkVerdict, sourceVerdict, storeVerdict } from '../../web/src/health.js';

const at = (ms: number): string => `t${ms}`;

describe('sinkVerdict', () => {
  it('is bad only while the dispatcher reports failing, with failures in a row and the last error', () => {
    // Cumulative errors from old failures: delivering again, so not red.
    expect(sinkVerdict({ name: 'slack', status: 'ok', failuresInARow: 0, errors: 12, sent: 40 })).toEqual({ bad: false, reason: 'Delivering.' });
    const v = sinkVerdict({ name: 'webhook', status: 'failing', failuresInARow: 3, lastError: 'connect ECONNREFUSED <b>127.0.0.1:1</b>', errors: 3 });
    expect(v.bad).toBe(true);
    expect(v.reason).toBe('Failing: 3 failed deliveries in a row; alerts wait in the outbox. Last error: connect ECONNREFUSED <b>127.0.0.1:1</b>');
    expect(sinkVerdict({ name: 'x', status: 'failing', failuresInARow: 1 }).reason).toBe('Failing: 1 failed delivery in a row; alerts wait in the outbox.');
    // The UI used to look for 'down', which the API never sends.
    expect(sinkVerdict({ name: 'x', status: 'down' }).bad).toBe(false);
  });

  it('bounds a long last error', () => {
    expect(sinkVerdict({ status: 'failing', failuresInARow: 1, lastError: 'e'.repeat(5000) }).reason.length).toBeLessThan(400);
  });
});

describe('sourceVerdict', () => {
  const src = (errors: number) => ({ id: 'http#0', received: 10, bytes: 100, dropped: 0, errors });

  it('is not red for errors that happened before the first poll, nor forever after one error', () => {
    expect(sourceVerdict(src(5), undefined, at)).toEqual({ bad: false, reason: '5 error(s) since start; watching for new ones.' });
    const prev = baseline([src(5)], 1000);
    expect(sourceVerdict(src(5), prev, at)).toEqual({ bad: false, reason: 'No new errors since t1000 (5 since start).' });
    expect(sourceVerdict(src(0), baseline([src(0)], 1000), at)).toEqual({ bad: false, reason: 'No errors.' });
  });

  it('is red when the errors counter grew since the previous poll', () => {
    expect(sourceVerdict(src(7), baseline([src(5)], 1000), at)).toEqual({ bad: true, reason: '2 new errors since t1000 (7 since start).' });
    expect(sourceVerdict(src(1), baseline([src(0)], 2000), at).reason).toBe('1 new error since t2000 (1 since start).');
  });

  it('counts every error as new after a restart (counter went down), and a source new since the last poll as not yet known', () => {
    expect(sourceVerdict(src(2), baseline([src(9)], 1000), at).bad).toBe(true);
    expect(sourceVerdict(src(4), baseline([{ id: 'other', errors: 0 }], 1000), at).bad).toBe(false);
  });

  it('honours a source that reports itself unhealthy, and ignores non-numeric counters', () => {
    expect(sourceVerdict({ id: 'a', errors: 0, healthy: false }, undefined, at).bad).toBe(true);
    expect(sourceVerdict({ id: 'a', errors: 'lots' }, baseline([{ id: 'a', errors: 0 }], 1), at).bad).toBe(false);
  });
});

describe('capsVerdict', () => {
  it('says how many are stored against the caps and what the caps cut, never red', () => {
    expect(capsVerdict({ stored: 500, dropped: 0, evicted: 0, maxTotal: 100000, maxPerSourceHour: 500 })).toEqual({
      bad: false,
      reason: '500 stored (at most 100,000 in all, 500 per source per hour); none dropped or evicted since start.',
    });
    const flood = capsVerdict({ stored: 1000, dropped: 198020, evicted: 12, maxTotal: 100000, maxPerSourceHour: 500 });
    expect(flood?.bad).toBe(false);
    expect(flood?.reason).toBe('1,000 stored (at most 100,000 in all, 500 per source per hour); 198,020 dropped and 12 evicted at the caps since start (a flood is being cut; the most severe are kept).');
    expect(capsVerdict({ stored: 3, dropped: 0, evicted: 0, maxTotal: 0, maxPerSourceHour: 0 })?.reason).toBe('3 stored; none dropped or evicted since start.');
    expect(capsVerdict(undefined)).toBeUndefined();
  });
});

describe('storeVerdict', () => {
  it('is red while writes are refused, with the message naming the fix and what waits', () => {
    expect(storeVerdict({ writable: true, unstored: 0, unstoredDropped: 0 })).toEqual({ bad: false, reason: 'Writing.' });
    const full = storeVerdict({ writable: false, message: 'The store /d/anomalog.db cannot write: the disk is full. Free disk space there. [ANOMALOG_ERR_STORE_WRITE]', unstored: 7, unstoredDropped: 0 });
    expect(full).toEqual({ bad: true, reason: 'The store /d/anomalog.db cannot write: the disk is full. Free disk space there. [ANOMALOG_ERR_STORE_WRITE] 7 anomalies wait to be stored.' });
    // Writing again, but anomalies were lost meanwhile: still worth a look.
    expect(storeVerdict({ writable: true, unstored: 0, unstoredDropped: 3 })).toEqual({ bad: true, reason: 'Writing. 3 anomalies were dropped while waiting.' });
    expect(storeVerdict(undefined)).toBeUndefined();
  });
});
