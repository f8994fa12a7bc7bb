import { describe, expect, it } from 'vitest';
import { productParse } from './product-parse.js';

const info = { logFormat: '<Date> <Time> <Level> <Content>' } as Parameters<ReturnType<typeof productParse>>[2];

describe('productParse (the path `eval parse` scores)', () => {
  const lines = [
    '2026-01-02 03:04:05 INFO user 17 logged in',
    '2026-01-02 03:04:06 ERROR request failed',
    '\tat com.example.Handler.run(Handler.java:42)',
    '\tat java.lang.Thread.run(Thread.java:750)',
    '2026-01-02 03:04:07 INFO user 23 logged in',
  ];

  it('zero config: a joined multi-line event gives each of its raw lines its template', async () => {
    const out = await productParse('zero-config')(lines, 'demo', info);
    expect(out.groupIds).toHaveLength(5);
    expect(out.groupIds[2]).toBe(out.groupIds[1]);
    expect(out.groupIds[3]).toBe(out.groupIds[1]);
    expect(out.groupIds[4]).toBe(out.groupIds[0]);
    expect(out.groupIds[1]).not.toBe(out.groupIds[0]);
    // The inferred layout takes the header off: the template is the message alone.
    expect(out.templates[0]).toBe('user <NUM> logged in');
  });

  it('with the layout, multi-line is off: continuation lines are their own records', async () => {
    const out = await productParse('layout')(lines, 'demo', info);
    expect(out.groupIds[2]).not.toBe(out.groupIds[1]);
    expect(out.templates[0]).toBe('user <NUM> logged in');
    expect(out.groupIds[4]).toBe(out.groupIds[0]);
  });
});
