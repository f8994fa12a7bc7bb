import { describe, expect, it } from 'vitest';
import { datagramText, TcpFramer } from './framing.js';

/** Feeds `bytes` in chunks of `size`; returns messages, the largest buffer held, and the first error. */
function feed(f: TcpFramer, bytes: Buffer, size: number): { out: string[]; maxHeld: number; err: string | null } {
  const out: string[] = [];
  let maxHeld = 0;
  for (let i = 0; i < bytes.length; i += size) {
    const err = f.push(bytes.subarray(i, i + size), out);
    maxHeld = Math.max(maxHeld, f.buffered);
    if (err !== null) return { out, maxHeld, err };
  }
  return { out, maxHeld, err: null };
}

describe('TcpFramer', () => {
  it('never holds more than one capped frame while a huge message streams through, and resynchronises after it', () => {
    const max = 1024;
    for (const framed of ['octet', 'newline'] as const) {
      const body = 'q'.repeat(1_000_000);
      const huge = framed === 'octet' ? `${Buffer.byteLength(body)} ${body}` : `${body}\n`;
      const f = new TcpFramer(max);
      const r = feed(f, Buffer.from(`${huge}5 after<13>next\n`), 4096);
      expect(r.err).toBeNull();
      expect(r.maxHeld).toBeLessThanOrEqual(max + 11);
      expect(r.out).toEqual(['q'.repeat(max), 'after', '<13>next']);
      expect(f.truncated).toBe(1);
    }
  });

  it("drops the LF (CR, NUL) that ends an octet-counted frame, as rsyslog's RFC 5424 templates send it", () => {
    const msgs = ['<132>1 2026-11-24T10:00:00Z h billing - - - invoice 1 paid\n', '<132>1 2026-11-24T10:00:01Z h billing - - - invoice 2 paid\r\n', '<132>1 - h a - - - x\n\n'];
    const r = feed(new TcpFramer(1024), Buffer.from(msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join('')), 7);
    expect(r).toMatchObject({ err: null, out: ['<132>1 2026-11-24T10:00:00Z h billing - - - invoice 1 paid', '<132>1 2026-11-24T10:00:01Z h billing - - - invoice 2 paid', '<132>1 - h a - - - x'] });
  });

  it('frames byte by byte the same as in one chunk', () => {
    const stream = Buffer.from('3 abc<13>x y\r\n\n\u00002 ok11 <14>ümlaut\n<15>last');
    const whole = feed(new TcpFramer(256), stream, stream.length);
    const bytewise = new TcpFramer(256);
    const r = feed(bytewise, stream, 1);
    const tail: string[] = [];
    expect(bytewise.end(tail)).toBe(true);
    expect(whole.out).toEqual(['abc', '<13>x y', 'ok', '<14>ümlaut']);
    expect(r.out).toEqual(whole.out);
    expect(tail).toEqual(['<15>last']);
  });

  it('reports garbage framing and a frame cut short by the end of the connection', () => {
    expect(new TcpFramer(256).push(Buffer.from('12345678901 x'), [])).toMatch(/10 digits/);
    expect(new TcpFramer(256).push(Buffer.from('05 hello'), [])).toMatch(/leading zero/);
    expect(new TcpFramer(256).push(Buffer.from('\u0016\u0003\u0001'), [])).toMatch(/control byte 0x16/);
    const f = new TcpFramer(256);
    expect(f.push(Buffer.from('10 abc'), [])).toBeNull();
    expect(f.end([])).toBe(false);
  });

  it('takes a datagram as one message, without trailing newlines, cut at the cap', () => {
    expect(datagramText(Buffer.from('<13>a\nb\r\n'), 100)).toEqual({ text: '<13>a\nb', truncated: false });
    expect(datagramText(Buffer.from('\n'), 100)).toBeNull();
    expect(datagramText(Buffer.from('x'.repeat(300)), 256)).toEqual({ text: 'x'.repeat(256), truncated: true });
  });
});
