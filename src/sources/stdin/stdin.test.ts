import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { RawBatch } from '../../core/source.js';
import { sourceContract } from '../../../test/contract/source.contract.js';
import { createStdinSource, definition, stdinConfigSchema } from './index.js';

sourceContract('stdin', async () => {
  const stream = new PassThrough();
  const source = createStdinSource({}, { stream });
  return {
    source,
    write: async (lines) => void stream.write(lines.map((l) => `${l}\n`).join('')),
    committed: () => source.lastAcked(),
    cleanup: async () => void stream.destroy(),
  };
});

async function runToEnd(input: Array<string | Buffer>, options = {}): Promise<{ batches: RawBatch[]; source: ReturnType<typeof createStdinSource> }> {
  const stream = new PassThrough();
  const source = createStdinSource(options, { stream, clock: new ManualClock(1234) });
  const batches: RawBatch[] = [];
  const done = source.run(async (b) => void batches.push(b), new AbortController().signal);
  for (const chunk of input) stream.write(chunk);
  stream.end();
  await done;
  return { batches, source };
}

describe('stdin source', () => {
  it('resolves at EOF with every line numbered, the last one without a newline included', async () => {
    const { batches, source } = await runToEnd(['one\r\ntw', 'o\nthree']);
    const recs = batches.flatMap((b) => b.records);
    expect(recs.map((r) => [r.text, r.line, r.source, r.arrivalTs, r.offset])).toEqual([
      ['one', 1, 'stdin', 1234, 0],
      ['two', 2, 'stdin', 1234, 5],
      ['three', 3, 'stdin', 1234, 9],
    ]);
    expect(batches.at(-1)?.cursor).toEqual({ kind: 'stream', id: 'stdin', offset: 'one\r\ntwo\nthree'.length });
    expect(source.stats()).toMatchObject({ received: 3, bytes: 14, errors: 0 });
  });

  it('truncates a huge line and counts it', async () => {
    const { batches, source } = await runToEnd([`${'z'.repeat(5000)}\nok\n`], { max_line_bytes: 100 });
    const recs = batches.flatMap((b) => b.records);
    expect(recs.map((r) => r.text.length)).toEqual([100, 2]);
    expect(source.stats().truncated_lines).toBe(1);
  });

  it('waits for each emit before reading on (back-pressure)', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const source = createStdinSource({}, { stream });
    let concurrent = 0;
    let maxConcurrent = 0;
    const done = source.run(async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise((r) => setTimeout(r, 2));
      concurrent--;
    }, new AbortController().signal);
    for (let i = 0; i < 50; i++) stream.write(`line ${i}\n`);
    stream.end();
    await done;
    expect(maxConcurrent).toBe(1);
    expect(source.stats().received).toBe(50);
  });

  it('has a strict config schema with defaults, and a registry definition', () => {
    expect(stdinConfigSchema.parse({})).toEqual({ max_line_bytes: 1024 * 1024, source_id: 'stdin' });
    expect(() => stdinConfigSchema.parse({ path: 'x' })).toThrow();
    expect(definition).toMatchObject({ kind: 'source', type: 'stdin' });
  });
});
