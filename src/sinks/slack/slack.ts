/**
 * @module sinks/slack/slack
 * Slack incoming webhook: one Block Kit message per alert (header, summary fields, the record's
 * attributes, the log context in a code block, a button to the anomaly). Log text is hostile: `&`, `<`, `>` are escaped as
 * Slack requires (so `<!channel>` or `<http://x|y>` in a log line stays text), code fences inside
 * it are broken up, and every text is cut to Slack's limits.
 */
import type { Alert, Sink, WriteResult } from '../../core/sink.js';
import { postJson, truncate } from '../shared/http.js';
import type { SlackConfig } from './config.js';

/** Slack's limits: header plain_text 150, section text 3000, `text` fallback kept short. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const LINE_MAX = 500;

const SEVERITY_ICON: Record<string, string> = { info: ':information_source:', warning: ':warning:', error: ':red_circle:', critical: ':rotating_light:' };

export class SlackSink implements Sink {
  readonly name: string;
  lastError?: string;

  constructor(private readonly config: SlackConfig) {
    this.name = config.name ?? 'slack';
  }

  async healthcheck(): Promise<void> {}

  async write(batch: readonly Alert[]): Promise<WriteResult> {
    // batch_size is 1 by default; with more, one failure retries the whole batch (at-least-once).
    for (const a of batch) {
      const r = await postJson(this.config.webhook_url, JSON.stringify(this.message(a)), {}, this.config.timeout_ms);
      this.lastError = r.error;
      if (r.result !== 'ok') return r.result;
    }
    return 'ok';
  }

  message(a: Alert): { text: string; blocks: unknown[] } {
    const state = a.status === 'resolved' ? 'Resolved' : a.severity.toUpperCase();
    // Escaped before cutting, so a cut never splits an entity into a bare `&`.
    const header = cutEscaped(`${state}: ${a.title}`, HEADER_MAX);
    const fields = [
      `*Source*\n${cutEscaped(a.source, 200)}`,
      `*Detector*\n${escapeSlack(a.detector)}`,
      `*Count*\n${a.count}`,
      `*Score*\n${a.anomaly.score.toFixed(2)}`,
    ].map((text) => ({ type: 'mrkdwn', text }));
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: header, emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_ICON[a.severity] ?? ''} ${cutEscaped(a.title, SECTION_MAX - 30)}` }, fields },
    ];
    const attrs = attrsLine(a.anomaly.attrs);
    // plain_text (no mrkdwn formatting of `*`/`_` in values), escaped like the header: `<!channel>` stays text.
    if (attrs !== '') blocks.push({ type: 'context', elements: [{ type: 'plain_text', text: cutEscaped(attrs, 2000), emoji: false }] });
    const context = a.anomaly.context.slice(0, this.config.context_lines).map((l) => codeSafe(cutEscaped(l, LINE_MAX)));
    if (context.length > 0) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fence(context, SECTION_MAX) } });
    }
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in anomalog' }, url: truncate(a.url, 3000) }],
    });
    return { text: header, blocks };
  }

  async close(): Promise<void> {}
}

/** Most attributes shown in a message (the record's first ones; the UI and webhook carry all). */
const ATTRS_SHOWN = 8;

/** `k=v · k=v` for the record's first attributes, within Slack's context-element limit. */
function attrsLine(attrs: Readonly<Record<string, string>> | undefined): string {
  if (attrs === undefined) return '';
  const parts: string[] = [];
  for (const k in attrs) {
    if (parts.length >= ATTRS_SHOWN) break;
    parts.push(`${truncate(k, 60)}=${truncate(attrs[k], 120)}`);
  }
  return parts.join(' · ');
}

/** Slack's escaping for message text: only these three characters. */
export function escapeSlack(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 38) out += '&amp;';
    else if (c === 60) out += '&lt;';
    else if (c === 62) out += '&gt;';
    else out += s[i];
  }
  return out;
}

/** Escapes, then cuts to `max` without leaving a partial `&amp;`/`&lt;`/`&gt;` at the end. */
function cutEscaped(s: string, max: number): string {
  const e = escapeSlack(s);
  if (e.length <= max) return e;
  let cut = truncate(e, max);
  const amp = cut.lastIndexOf('&', cut.length - 1);
  if (amp >= 0 && amp > cut.length - 6 && !cut.slice(amp).includes(';')) cut = `${cut.slice(0, amp)}…`;
  return cut;
}

/** A ``` inside a log line would close the code block: break it with zero-width spaces. */
function codeSafe(s: string): string {
  return s.split('```').join('`\u200b`\u200b`');
}

/** Lines in a code block, whole lines only, within `max` characters (escaped lengths). */
function fence(lines: string[], max: number): string {
  const room = max - 8;
  let body = '';
  for (const l of lines) {
    const next = body === '' ? l : `${body}\n${l}`;
    if (next.length > room) break;
    body = next;
  }
  if (body === '') body = truncate(lines[0], room);
  return `\`\`\`${body}\`\`\``;
}
