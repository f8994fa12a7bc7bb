import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines/line-splitter.js';
import { LogParser, type LogParserOptions } from './pipeline.js';

const dir = new URL('../../test/fixtures/logs/', import.meta.url);
const formats = JSON.parse(readFileSync(new URL('loghub-samples/log-formats.json', dir), 'utf8')) as Record<string, string>;
const ARRIVAL = 1_700_000_000_000;

/** Runs `input` through one parser with events (pushLines/flush) and one without (feedLines/feedEnd). */
function both(input: Buffer, opts: LogParserOptions, chunk = 4096) {
  const withEvents = new LogParser(opts);
  const fed = new LogParser(opts);
  const s1 = new LineSplitter();
  const s2 = new LineSplitter();
  let events = 0;
  let mined = 0;
  for (let i = 0; i < input.length; i += chunk) {
    const part = input.subarray(i, i + chunk);
    events += withEvents.pushLines(s1.push(part), ARRIVAL).length;
    mined += fed.feedLines(s2.push(part), ARRIVAL);
  }
  events += withEvents.pushLines(s1.end(), ARRIVAL).length + withEvents.flush(ARRIVAL).length;
  mined += fed.feedLines(s2.end(), ARRIVAL) + fed.feedEnd(ARRIVAL);
  return { withEvents, fed, events, mined };
}

function expectSame(input: Buffer, opts: LogParserOptions, chunk?: number): void {
  const { withEvents, fed, events, mined } = both(input, opts, chunk);
  expect(mined).toBe(events);
  expect(fed.stats).toEqual(withEvents.stats);
  expect(fed.formatSpec).toEqual(withEvents.formatSpec);
  expect(fed.miner.templates()).toEqual(withEvents.miner.templates());
  expect(fed.miner.stats).toEqual(withEvents.miner.stats);
  expect(fed.pending).toBe(false);
}

describe('LogParser.feedLines (templates without events)', () => {
  const samples = readdirSync(new URL('loghub-samples/', dir)).filter((f) => f.endsWith('.log'));

  it.each(samples)('mines %s exactly as pushLines does: with its layout, with <Content>, auto-detected', (file) => {
    const input = readFileSync(new URL(`loghub-samples/${file}`, dir));
    const layout = formats[file.replace(/\.log$/, '')];
    if (layout !== undefined) expectSame(input, { format: layout }, 333);
    expectSame(input, { format: '<Content>' }, 1000);
    expectSame(input, {}, 777);
    expectSame(input, { multiline: false }, 777);
  });

  it.each(readdirSync(new URL('other/', dir)))('mines %s exactly as pushLines does (auto-detected format, stack traces)', (file) => {
    const input = readFileSync(new URL(`other/${file}`, dir));
    expectSame(input, {}, 100);
    expectSame(input, { format: '<Content>' }, 100);
  });

  it('counts blank lines, unmatched records and joined stack traces the same way', () => {
    const text = [
      '2024-01-01 10:00:00 ERROR app: failed',
      '\tat com.x.Foo.bar(Foo.java:1)',
      'Caused by: java.io.IOException: boom',
      '',
      '   ',
      'not a header line',
      '2024-01-01 10:00:01 INFO app: ok 1',
      '  indented',
      '2024-01-01 10:00:02 INFO app: ok 2',
    ].join('\n');
    for (const format of ['<Date> <Time> <Level> <Component>: <Content>', '<Content>', undefined]) {
      expectSame(Buffer.from(text), { format, detectSample: 3 }, 5);
      expectSame(Buffer.from(text + '\n'), { format }, 64);
    }
    const { fed } = both(Buffer.from(text), { format: '<Date> <Time> <Level> <Component>: <Content>', multiline: false });
    expect(fed.stats.unmatched).toBeGreaterThan(0);
    expect(fed.stats.firstUnmatchedLine).toBe(2);
    expect(fed.stats.emptyLines).toBe(2);
  });

  it('auto-detects on end of input when fewer lines than the sample arrived', () => {
    expectSame(Buffer.from('{"msg":"a 1"}\n{"msg":"a 2"}\n'), {});
    expectSame(Buffer.from(''), {});
  });
});
