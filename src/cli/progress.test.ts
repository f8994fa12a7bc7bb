import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('Progress', () => {
  it('shows lines/s and an ETA on a terminal, then clears its line', async () => {
    const { out, stream } = fakeStream(true);
    const p = new Progress('app.log', 1000, stream);
    await new Promise((r) => setTimeout(r, 300));
    p.update(5000, 250);
    expect(out.join('')).toMatch(/app\.log: 25% 5,000 lines, [\d,]+ lines\/s, ETA \d+s/);
    p.done();
    expect(out[out.length - 1]).toBe('\r\u001b[K');
  });

  it('stays silent in a pipe', async () => {
    const { out, stream } = fakeStream(false);
    const p = new Progress('stdin', undefined, stream);
    await new Promise((r) => setTimeout(r, 300));
    p.update(100, 100);
    p.done();
    expect(out).toEqual([]);
  });
});
