/**
 * @module core/bearer
 * The one token check of the service (API, UI, live feed, feedback, every ingest route, Splunk HEC):
 * `Authorization: <scheme> <token>` with the scheme `Bearer` (or `Splunk`, what HEC clients send)
 * matched case-insensitively (RFC 9110 §11.1), the token compared in constant time.
 * @example
 * const t = bearerToken(req.headers.authorization);   // 'bearer s3cret' → 's3cret'
 * if (t === undefined || !sameSecret(t, configured)) reply.status(401);
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const SCHEMES = new Set(['bearer', 'splunk']);

/** The token of an `Authorization` header with a Bearer or Splunk scheme (any case); undefined otherwise. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  const m = /^\s*([A-Za-z]+)[ \t]+(\S+)\s*$/.exec(header);
  return m !== null && SCHEMES.has(m[1].toLowerCase()) ? m[2] : undefined;
}

/** Whether `a` equals `b`, in time that depends on neither (both are hashed first: no length leak either). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * Raw requests the service's guard (api/guard.ts) let through with the server's own token: an ingest
 * route with a token of its own (the http source's `token`) accepts these too.
 */
export const SERVER_AUTHORIZED = new WeakSet<object>();
