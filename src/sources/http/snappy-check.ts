/**
 * @module sources/http/snappy-check
 * One pass over a Snappy block (the format of Loki's protobuf push) that proves it can be
 * decompressed within its own bounds before `snappyjs` is asked to: every literal lies inside the
 * input, every copy refers back inside what was produced, and nothing writes past the length the
 * preamble declares. snappyjs does not check literal lengths: a 7-byte body declaring a literal of
 * ~2^31 bytes kept the thread copying for seconds (found by the ingest-body property test). This
 * pass costs one read of the compressed bytes and allocates nothing.
 */

/** Throws an Error naming what is wrong when `buf` is not a well-formed Snappy block of at most `maxLength` bytes. */
export function checkSnappyBlock(buf: Uint8Array, maxLength: number): void {
  let pos = 0;
  // Preamble: the uncompressed length as a little-endian base-128 varint (at most 32 bits).
  let total = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length || shift > 28) throw new Error('bad length preamble');
    const b = buf[pos++];
    total += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (total > maxLength) throw new Error(`the uncompressed length of ${total} is too big, expect at most ${maxLength}`);
  let out = 0;
  while (pos < buf.length) {
    const tag = buf[pos++];
    const kind = tag & 3;
    let len: number;
    if (kind === 0) {
      len = tag >>> 2;
      if (len >= 60) {
        const n = len - 59;
        if (pos + n > buf.length) throw new Error('truncated literal length');
        len = 0;
        for (let i = 0; i < n; i++) len += buf[pos + i] * 2 ** (8 * i);
        pos += n;
      }
      len += 1;
      if (pos + len > buf.length) throw new Error('literal runs past the end of the input');
      pos += len;
    } else {
      let offset: number;
      if (kind === 1) {
        if (pos + 1 > buf.length) throw new Error('truncated copy');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | buf[pos];
        pos += 1;
      } else {
        const n = kind === 2 ? 2 : 4;
        if (pos + n > buf.length) throw new Error('truncated copy');
        len = (tag >>> 2) + 1;
        offset = 0;
        for (let i = 0; i < n; i++) offset += buf[pos + i] * 2 ** (8 * i);
        pos += n;
      }
      if (offset === 0 || offset > out) throw new Error('copy refers before the start of the output');
    }
    out += len;
    if (out > total) throw new Error('output runs past its declared length');
  }
  if (out !== total) throw new Error('output is shorter than its declared length');
}
