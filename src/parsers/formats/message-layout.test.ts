import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../core/event.js';
import { bigWords, retainedMiB } from '../../../test/harness/heap.js';
import { INFER_LINE_CHARS, inferLayout } from './infer-layout.js';
import { InferredFormat } from './inferred.js';
import { MessageLayout } from './message-layout.js';

const rec = (message: string, line: number): LogRecord => ({ ts: 0, source: 's', level: undefined, message, fields: {}, raw: '', line, tsFromArrival: true });
const head = (i: number): string => `2024-05-01 10:00:${String(i).padStart(2, '0')},123 ${i % 3 ? 'INFO' : 'WARN'} [main] org.app.Worker: `;

describe('layout samples of megabyte records keep their heads only (issue 17)', () => {
  it('MessageLayout: 20 one-MiB messages leave no MiB behind, and the layout is the one their whole first lines give', () => {
    const { mib, value } = retainedMiB(() => {
      const ml = new MessageLayout();
      const firstLines: string[] = [];
      for (let i = 0; i < 20; i++) {
        // Half of them hold a line break early: a slice up to it would still keep the whole message.
        const msg = i % 2 === 0 ? head(i) + bigWords(1 << 20, i + 1) : `${head(i)}job ${i} failed\n${bigWords(1 << 20, i + 1)}`;
        firstLines.push(msg.slice(0, msg.indexOf('\n') === -1 ? msg.length : msg.indexOf('\n')));
        ml.apply(rec(msg, i + 1));
      }
      // Learning ran last on 16 messages (1, 2, 4, … 16); the whole first lines, not the heads.
      return { ml, expected: inferLayout(firstLines.slice(0, 16))?.layout ?? null };
    });
    expect(value.expected).toBe('<Date> <Time> <Level> <Thread> <Component>: <Content>');
    expect(value.ml.layout).toBe(value.expected);
    // Whole, or sliced (a view of its message), the 20 samples held 20 MiB.
    expect(mib).toBeLessThan(4);
    const sample = value.ml.state().sample ?? [];
    expect(sample).toHaveLength(20);
    expect(sample.every((s) => s.length <= INFER_LINE_CHARS)).toBe(true);
  });

  it('InferredFormat: the lines kept for revising the layout are heads of megabyte lines, not the lines', () => {
    const { mib, value: f } = retainedMiB(() => {
      const f = new InferredFormat(null);
      // Lines 193–256 of every 256 are kept for the look at line 256.
      for (let i = 0; i < 256; i++) f.extract(i < 192 ? `short line ${i}` : bigWords(256 * 1024, i + 1), i + 1, 0, 's');
      return f;
    });
    // 64 whole lines of 256 KiB held 16 MiB.
    expect(mib).toBeLessThan(4);
    const ring = f.state().ring;
    expect(ring.filter((l) => l.length === INFER_LINE_CHARS)).toHaveLength(64);
  });
});
