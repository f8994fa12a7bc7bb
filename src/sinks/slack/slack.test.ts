import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpReceiver } from '../../../test/harness/http-receiver.js';
import { sampleAlert } from '../../../test/harness/alerts.js';
import { createSlackSink, escapeSlack, slackConfigSchema } from './index.js';
import { httpSinkFixture, sinkContract } from '../../../test/contract/sink.contract.js';

let rx: HttpReceiver;
beforeEach(async () => {
  rx = new HttpReceiver();
  await rx.start();
});
afterEach(() => rx.stop());

interface Msg {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { url: string }[] }[];
}

describe('slack sink', () => {
  it('posts one Block Kit message per alert, log text escaped and truncated', async () => {
    const hostile = 'ERROR <!channel> & <http://evil.example|click here> ```break out``` ' + 'x'.repeat(5_000);
    const alert = sampleAlert({ title: 'New type: <!here> & friends', anomaly: { ...sampleAlert().anomaly, context: ['ok line', hostile] } });
    const sink = createSlackSink({ webhook_url: `${rx.url}/services/T0/B0/X` });
    expect(await sink.write([alert, sampleAlert({ title: 'second' })])).toBe('ok');
    expect(rx.requests.map((r) => r.path)).toEqual(['/services/T0/B0/X', '/services/T0/B0/X']);
    const [msg] = rx.json<Msg>();
    const all = JSON.stringify(msg);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<http://evil');
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(msg.blocks[0].text!.text).toBe('ERROR: New type: &lt;!here&gt; &amp; friends');
    expect(msg.text).toBe('ERROR: New type: &lt;!here&gt; &amp; friends');
    const code = msg.blocks[2].text!.text;
    expect(code.startsWith('```') && code.endsWith('```')).toBe(true);
    expect(code.slice(3, -3)).not.toContain('```');
    expect(code).toContain('ERROR &lt;!channel&gt; &amp; &lt;http://evil.example|click here&gt;');
    for (const b of msg.blocks) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(code).toMatch(/x…```$/); // the 5 000-char line was cut
    const long = createSlackSink({ webhook_url: rx.url }).message(sampleAlert({ title: '<'.repeat(400) }));
    const head = (long.blocks[0] as { text: { text: string } }).text.text;
    expect(head.length).toBeLessThanOrEqual(150);
    expect(head).toMatch(/^ERROR: (&lt;)+…$/); // no entity cut in half
    expect(msg.blocks[1].fields!.map((f) => f.text)).toContain('*Count*\n3');
    expect(msg.blocks.at(-1)!.elements![0].url).toBe(alert.url);
  });

  it("shows the record's first attributes as plain, escaped text", () => {
    const base = sampleAlert();
    const attrs: Record<string, string> = { 'service.name': 'payments', evil: '<!channel> *bold*' };
    for (let i = 0; i < 20; i++) attrs[`k${i}`] = `v${i}`;
    const msg = createSlackSink({ webhook_url: rx.url }).message({ ...base, anomaly: { ...base.anomaly, attrs } }) as unknown as Msg;
    const ctx = msg.blocks.find((b) => b.type === 'context') as unknown as { elements: { type: string; text: string }[] };
    expect(ctx.elements[0].type).toBe('plain_text');
    expect(ctx.elements[0].text).toBe('service.name=payments · evil=&lt;!channel&gt; *bold* · k0=v0 · k1=v1 · k2=v2 · k3=v3 · k4=v4 · k5=v5');
    expect(JSON.stringify(msg)).not.toContain('<!channel>');
    // No attributes: no context block.
    expect((createSlackSink({ webhook_url: rx.url }).message(base).blocks as { type: string }[]).some((b) => b.type === 'context')).toBe(false);
  });

  it('maps Slack answers: 429/5xx and network errors retry, other 4xx reject', async () => {
    const sink = createSlackSink({ webhook_url: rx.url });
    rx.status = () => 429;
    expect(await sink.write([sampleAlert()])).toBe('retry');
    rx.status = () => 404;
    expect(await sink.write([sampleAlert()])).toBe('reject');
    expect(sink.lastError).toBe('HTTP 404: no');
    await rx.stop();
    expect(await sink.write([sampleAlert()])).toBe('retry');
    expect(sink.lastError).toMatch(/ECONNREFUSED|UND_ERR_SOCKET/);
  });

  it('escapes exactly &, < and >', () => {
    expect(escapeSlack('a & b < c > d "e" \'f\' *g*')).toBe('a &amp; b &lt; c &gt; d "e" \'f\' *g*');
    expect(slackConfigSchema.parse({ webhook_url: 'https://hooks.slack.com/x' })).toMatchObject({ batch_size: 1, rate_limit_per_minute: 60, send_resolved: false });
    expect(() => slackConfigSchema.parse({ webhook_url: 'ftp://x' })).toThrow();
  });
});

sinkContract('slack', () => httpSinkFixture((url) => createSlackSink({ webhook_url: url, timeout_ms: 2_000 }), () => 1));
