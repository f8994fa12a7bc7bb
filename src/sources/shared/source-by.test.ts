import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/component.js';
import { lookup, SourceBy } from './source-by.js';

function recordingLogger(): Logger & { warnings: [string, Record<string, unknown> | undefined][] } {
  const warnings: [string, Record<string, unknown> | undefined][] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (m, f) => void warnings.push([m, f]) };
}

describe('source_by', () => {
  it('names a record source by the values of the attributes, `-` for a missing one, the base when none is there', () => {
    const by = new SourceBy(['hostname', 'appname'], 100, recordingLogger());
    expect(by.id('syslog', (k) => ({ hostname: 'web-1', appname: 'nginx' })[k])).toBe('syslog:web-1/nginx');
    expect(by.id('syslog', (k) => ({ hostname: 'web-1' })[k as 'hostname'])).toBe('syslog:web-1/-');
    expect(by.id('syslog', () => undefined)).toBe('syslog');
    // A base that already names its stream gets the values after a slash.
    expect(by.id('http:shop', (k) => ({ hostname: 'web-2', appname: 7 })[k as 'hostname'])).toBe('http:shop/web-2/7');
    expect(new SourceBy([], 100, recordingLogger()).id('syslog', () => 'x')).toBe('syslog');
  });

  it('keeps client values from forging ids: the separator and odd characters become _, long values are cut', () => {
    const by = new SourceBy(['host'], 100, recordingLogger());
    expect(by.id('syslog', () => 'a/b c\n"../x')).toBe('syslog:a_b_c__.._x');
    expect(by.id('syslog', () => 'h'.repeat(1000))).toBe(`syslog:${'h'.repeat(64)}`);
    expect(by.id('syslog', () => ({ toString: () => 'obj' }))).toBe('syslog');
  });

  it('opens at most max_sources ids; later new ones share the overflow source, counted and logged once', () => {
    const logger = recordingLogger();
    const by = new SourceBy(['host'], 3, logger);
    const ids = ['a', 'b', 'c', 'd', 'e', 'a', 'd'].map((h) => by.id('syslog', () => h));
    expect(ids).toEqual(['syslog:a', 'syslog:b', 'syslog:c', 'syslog:_overflow', 'syslog:_overflow', 'syslog:a', 'syslog:_overflow']);
    expect(by.overflowRecords).toBe(3);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0][1]).toMatchObject({ base: 'syslog', max_sources: 3, overflow: 'syslog:_overflow' });
    expect(new SourceBy(['x'], 1, recordingLogger()).id('http:api', () => 'y')).toBe('http:api/y');
  });

  it('looks up dotted names flat first, then as a nested path, own keys only', () => {
    expect(lookup({ 'host.name': 'flat', host: { name: 'nested' } }, 'host.name')).toBe('flat');
    expect(lookup({ host: { name: 'nested' } }, 'host.name')).toBe('nested');
    expect(lookup({ host: 'x' }, 'host.name')).toBeUndefined();
    expect(lookup({}, 'constructor')).toBeUndefined();
    expect(lookup({}, 'toString.name')).toBeUndefined();
  });
});
