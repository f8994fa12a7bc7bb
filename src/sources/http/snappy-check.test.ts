import { compress, uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { checkSnappyBlock } from './snappy-check.js';

describe('checkSnappyBlock', () => {
  it('accepts what snappy compresses (literals and copies), and snappyjs gives the same bytes back', () => {
    const text = Buffer.from('level=info msg="request served" path=/api/items status=200\n'.repeat(200) + 'x'.repeat(70_000));
    const block = compress(text);
    expect(() => checkSnappyBlock(block, 1 << 20)).not.toThrow();
    expect(Buffer.from(uncompress(block, 1 << 20))).toEqual(text);
  });

  it('refuses at once a 7-byte body whose literal claims ~2^31 bytes (snappyjs copied for seconds)', () => {
    const hostile = Buffer.from('0dfca32ea18d4c', 'hex');
    const t0 = performance.now();
    expect(() => checkSnappyBlock(hostile, 1 << 20)).toThrow(/literal/);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('refuses copies before the start, output past its declared length, a short output and a length over the limit', () => {
    expect(() => checkSnappyBlock(Uint8Array.from([4, 0b0000_0001, 5]), 100)).toThrow(/before the start/); // copy with nothing produced
    expect(() => checkSnappyBlock(Uint8Array.from([1, 4, 97, 98]), 100)).toThrow(/past its declared length/); // 2-byte literal, 1 declared
    expect(() => checkSnappyBlock(Uint8Array.from([3, 0, 97]), 100)).toThrow(/shorter/);
    expect(() => checkSnappyBlock(Uint8Array.from([0x80, 0x80, 0x80, 0x01]), 1000)).toThrow(/too big/);
    expect(() => checkSnappyBlock(Uint8Array.from([]), 1000)).toThrow(/preamble/);
  });
});
