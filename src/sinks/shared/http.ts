/**
 * @module sinks/shared/http
 * One POST with Node's fetch and a timeout, mapped to the sink contract: 2xx `ok`; 408, 425, 429
 * and 5xx `retry`; other statuses `reject`; network errors and timeouts `retry`. Never throws.
 */
import type { WriteResult } from '../../core/sink.js';

export interface PostResult {
  result: WriteResult;
  /** Status or error text when not `ok` (no response body beyond 200 chars). */
  error?: string;
}

export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { result: 'retry', error: `${(e as Error).name}: ${cause ?? (e as Error).message}` };
  }
  let text = '';
  try {
    text = (await res.text()).slice(0, 200);
  } catch {
    // The status decides; a body cut off does not.
  }
  if (res.ok) return { result: 'ok' };
  const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  return { result: retryable(res.status) ? 'retry' : 'reject', error };
}

export function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Cuts `s` to at most `max` characters (UTF-16 units, never splitting a surrogate pair), marking the cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}
