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
  if (res.ok) {
    await res.body?.cancel().catch(() => {});
    return { result: 'ok' };
  }
  const text = (await readPrefix(res, ERROR_BODY_BYTES)).slice(0, 200);
  const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  return { result: retryable(res.status) ? 'retry' : 'reject', error };
}

/** Bytes of an error response's body read at most (its first 200 characters are kept). */
export const ERROR_BODY_BYTES = 4096;

/**
 * The start of a response body: reads chunks until `maxBytes` (a receiver answering with a huge or
 * endless body costs at most one more chunk), then cancels the rest. Never throws: the status
 * decides, a body cut off or failing does not.
 */
async function readPrefix(res: Response, maxBytes: number): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.byteLength;
    }
  } catch {
    // Keep what arrived.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
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
