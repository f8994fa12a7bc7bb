import { describe, expect, it } from 'vitest';
import { Masker, classify } from './masker.js';

const mask = (line: string, opts = {}) => {
  const m = new Masker(opts).mask(line);
  return { tokens: m.key, params: m.params.slice() };
};

describe('Masker', () => {
  it('masks IPs with ports, keeping the structure of the token', () => {
    // Loghub HDFS_2k line 1 (Content)
    const r = mask('10.250.19.102:50010 Served block blk_-1608999687919862906 to /10.250.19.102');
    expect(r.tokens).toBe('<IP>:<NUM> Served block <ID> to <ID>');
    expect(r.params).toEqual(['10.250.19.102', '50010', 'blk_-1608999687919862906', '/10.250.19.102']);
  });

  it('keeps key= prefixes and masks the values', () => {
    const r = mask('authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4');
    expect(r.tokens).toBe('authentication failure; logname= uid=<NUM> euid=<NUM> tty=NODEVssh ruser= rhost=<IP>');
    expect(r.params).toEqual(['0', '0', '218.188.2.4']);
  });

  it('types hex, uuids, sizes, durations, paths, urls, emails, IPv6 and MAC addresses', () => {
    expect(mask('flags 0x1f').tokens).toBe('flags <HEX>');
    expect(mask('id 123e4567-e89b-12d3-a456-426614174000').tokens).toBe('id <UUID>');
    expect(mask('took 160ms size 5KB').tokens).toBe('took <DURATION> size <SIZE>');
    expect(mask('open /var/log/app.log failed').tokens).toBe('open <PATH> failed');
    expect(mask('GET https://example.com/a?b=1').tokens).toBe('GET https://<URL>');
    expect(mask('mail to ops@example.com').tokens).toBe('mail to <EMAIL>');
    expect(mask('peer fe80::1ff:fe23:4567:890a up').tokens).toBe('peer <IP> up');
    expect(mask('mac FF:F2:9F:16:E0:DA:00:0D').tokens).toBe('mac <MAC>');
  });

  it('treats booleans and null as values, and empty brackets as an empty value', () => {
    expect(mask('updateClipping isOverlap:false, ok=true').tokens).toBe('updateClipping isOverlap:<BOOL>, ok=<BOOL>');
    const r = mask('connection from 1.2.3.4 () at x');
    expect(r.tokens).toBe('connection from <IP> (<EMPTY>) at x');
    expect(r.params).toEqual(['1.2.3.4', '']);
  });

  it('keeps identifiers that merely contain a digit', () => {
    expect(mask('jk2_init() Found child 6725').tokens).toBe('jk2_init() Found child <NUM>');
    expect(mask('Slf4jLogger started').tokens).toBe('Slf4jLogger started');
    expect(mask('generating core.2275').tokens).toBe('generating core.<NUM>');
  });

  it('masks weekday and month names that are part of a date', () => {
    const r = mask('at Sun Jul 10 03:55:21 2005 ok');
    expect(r.tokens).toBe('at <DATE> <DATE> <NUM> <NUM>:<NUM>:<NUM> <NUM> ok');
    expect(r.params[0]).toBe('Sun');
    expect(mask('May the force').tokens).toBe('May the force');
  });

  it('emits <*> with plain placeholders', () => {
    expect(mask('uid=0 from 10.0.0.1:22', { placeholders: 'plain' }).tokens).toBe('uid=<*> from <*>:<*>');
  });

  it('caps tokens per line and folds the rest into one value', () => {
    const line = Array.from({ length: 10 }, (_, i) => `w${'x'.repeat(i)}`).join(' ');
    const m = new Masker({ maxTokens: 4 }).mask(line);
    expect(m.tokens()).toHaveLength(4);
    expect(m.tokens()[3]).toBe('<TAIL>');
    expect(m.raw(1)).toBe('wx');
    expect(m.params[m.params.length - 1]).toBe('wxxx wxxxx wxxxxx wxxxxxx wxxxxxxx wxxxxxxxx wxxxxxxxxx');
  });

  it('applies custom masks from configuration before the built-in ones', () => {
    const m = new Masker({ customMasks: [{ name: 'ORDER', pattern: 'ORD-[A-Z]+' }] }).mask('order ORD-ABC shipped');
    expect(m.key).toBe('order <ORDER> shipped');
    expect(m.params).toEqual(['ORD-ABC']);
  });

  it('never throws on hostile input', () => {
    const m = new Masker();
    for (const s of ['', '   ', '\u0000\u0000', '<*> <NUM> <', '\uFFFD\uFFFD 12', '[[[[', 'a'.repeat(100_000)]) {
      expect(() => m.mask(s)).not.toThrow();
    }
    expect(m.mask('').tokens()).toEqual([]);
    expect(m.mask('  a \t b  ').key).toBe('a b');
    expect(m.mask('a  7   b').key).toBe('a <NUM> b');
  });
});

describe('classify', () => {
  it('types digit-bearing segments', () => {
    expect(classify('42')).toBe('NUM');
    expect(classify('-3.5')).toBe('NUM');
    expect(classify('10.0.0.1')).toBe('IP');
    expect(classify('0xdeadbeef')).toBe('HEX');
    expect(classify('blk_123')).toBe('ID');
  });
});

describe('Masker param offsets', () => {
  it('records where every param starts in the message', () => {
    const lines = [
      '10.250.19.102:50010 Served block blk_-1608999687919862906 to /10.250.19.102',
      'connection from 1.2.3.4 () at Sun Jul 10 03:55:21 2005 ok=true file=/var/log/x.log',
      'GET https://example.com/a?b=1 took 160ms core.2275 generating',
    ];
    const masker = new Masker();
    for (const line of lines) {
      const m = masker.mask(line);
      expect(m.paramStart).toHaveLength(m.params.length);
      m.params.forEach((p, k) => expect(line.slice(m.paramStart[k], m.paramStart[k] + p.length)).toBe(p));
    }
  });
});
