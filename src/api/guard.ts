/**
 * @module api/guard
 * The service port's front door, one `onRequest` hook for every route (API, UI, live feed,
 * feedback, metrics, every ingest route), run before a body is read:
 * 1. Host: on a loopback bind the `Host` header must name this machine (`localhost`, `127.x.x.x`,
 *    `[::1]`, the bound address) or one of `server.allowed_hosts` — a page on another site that
 *    re-points its own DNS name at 127.0.0.1 (DNS rebinding) gets 403.
 * 2. Cross-site: a state-changing request (POST, PUT, PATCH, DELETE) that a browser marks as coming
 *    from another site (`Sec-Fetch-Site: cross-site | same-site`, or an `Origin` naming another host)
 *    gets 403, whatever its content type (`text/plain` is no way around it). Shippers send neither header.
 * 3. Token: with `server.auth_token`, every route but `/api/health` (and `/metrics` with
 *    `server.public_metrics`) needs `Authorization: Bearer <token>` (scheme in any case; `Splunk`
 *    too, for HEC clients) or the UI's session cookie; ingest routes also take the http source's own
 *    `token`. Otherwise 401 — a browser navigating to the UI gets the sign-in page instead.
 * The UI signs in with `POST /api/session` (the token in the `Authorization` header, never in a URL):
 * the answer sets an HttpOnly, SameSite=Strict cookie holding an HMAC of the token under a key made at
 * start (a restart signs browsers out; the token itself is never stored in the browser).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, sameSecret, SERVER_AUTHORIZED } from '../core/bearer.js';
import { hecDialect } from '../sources/http/answers.js';
import { HEC_ROUTES, isHecPath } from '../sources/http/routes.js';

export interface GuardOptions {
  /** `server.auth_token`: when set, every route but the public ones needs it. */
  token?: string;
  /** Tokens that open the ingest routes only (the http sources' `token`). */
  ingestTokens?: readonly string[];
  /** Whether an ingest route (`/ingest`, `/_bulk`…) is asked for. */
  isIngest?: (path: string) => boolean;
  /** `/metrics` without the token (`server.public_metrics`). */
  publicMetrics?: boolean;
  /** Host names accepted in `Host` (any port); undefined = any host (a non-loopback bind without `allowed_hosts`). */
  hosts?: readonly string[];
  /** Other names of this service (`server.allowed_hosts`: a reverse proxy's public name): accepted as `Origin` too. */
  allowedHosts?: readonly string[];
  /** Mark the session cookie `Secure` (the service speaks HTTPS). */
  secureCookie?: boolean;
}

export const SESSION_COOKIE = 'anomalog_session';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Health probes (Splunk's HEC health answers without a token, as Splunk's does) and the sign-in script. */
const ALWAYS_PUBLIC = new Set(['/api/health', '/login.js', ...HEC_ROUTES.health]);

/** Why a request's `Authorization` did not pass, in the ingest dialects' terms. */
function authProblem(header: string | string[] | undefined): 'no-token' | 'bad-scheme' | 'wrong-token' {
  if (header === undefined || header === '') return 'no-token';
  return bearerToken(header) === undefined ? 'bad-scheme' : 'wrong-token';
}

/** Host names that are this machine on any loopback bind. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** Whether a listen address is loopback only (`127.x.x.x`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether a listen address is every interface (`0.0.0.0`, `::`). */
export function isWildcard(host: string): boolean {
  const h = host.trim().replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/**
 * The address others reach a service bound to `bind` at: `url` (what the listener answered) itself,
 * or, bound to every interface (where the listener answers with a loopback address), the same URL
 * with the first of `allowed` (names declared reachable) or else this machine's name.
 */
export function reachableUrl(url: string, bind: string, allowed: readonly string[], machine: string): string {
  if (!isWildcard(bind)) return url;
  const u = new URL(url);
  u.hostname = allowed.length > 0 ? hostName(allowed[0]) : machine;
  return u.origin;
}

/** The host part of a `Host` header or an origin's host (`name:port`, `[v6]:port`), lower case. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1 || undefined);
  const colon = h.indexOf(':');
  return colon >= 0 && colon === h.lastIndexOf(':') ? h.slice(0, colon) : h;
}

/** The Host names a service bound to `bind` accepts (undefined: any — a public bind without `allowed_hosts`). */
export function acceptedHosts(bind: string, allowed: readonly string[]): string[] | undefined {
  const extra = allowed.map((h) => hostName(h));
  if (isLoopback(bind)) return [...LOOPBACK_NAMES, hostName(bind), ...extra];
  return extra.length > 0 ? [...LOOPBACK_NAMES, hostName(bind), ...extra] : undefined;
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (typeof raw !== 'string' || raw.length > 8192) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function deny(reply: FastifyReply, status: 401 | 403, error: string, code: string): FastifyReply {
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="anomalog"');
  return reply.status(status).header('cache-control', 'no-store').send({ error, code });
}

/** Adds the guard hook and the sign-in routes (`POST`/`DELETE /api/session`, `/login.js`). */
export function registerGuard(app: FastifyInstance, opts: GuardOptions): void {
  const token = opts.token;
  const sessionKey = randomBytes(32);
  const session = token === undefined ? undefined : createHmac('sha256', sessionKey).update(token).digest('base64url');
  const hosts = opts.hosts === undefined ? undefined : new Set(opts.hosts);
  const hostAllowed = (h: string) => hosts === undefined || hosts.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  const otherNames = new Set((opts.allowedHosts ?? []).map(hostName));

  app.addHook('onRequest', (req, reply, done) => {
    const path = req.url.split('?')[0];
    const host = req.headers.host;
    if (typeof host === 'string' && !hostAllowed(hostName(host))) {
      return void deny(reply, 403, `Host ${JSON.stringify(host.slice(0, 100))} is not this service's name; add it to server.allowed_hosts if it is (a foreign Host is how DNS-rebinding pages reach a local service).`, 'ANOMALOG_ERR_API_FORBIDDEN');
    }
    if (STATE_CHANGING.has(req.method) && crossSite(req, otherNames)) {
      return void deny(reply, 403, 'Cross-site request refused: a page on another site cannot change anything here (send it from the same origin, or without browser Origin headers).', 'ANOMALOG_ERR_API_FORBIDDEN');
    }
    if (token === undefined || ALWAYS_PUBLIC.has(path) || (opts.publicMetrics === true && path === '/metrics')) return done();
    const got = bearerToken(req.headers.authorization);
    if (got !== undefined && sameSecret(got, token)) {
      SERVER_AUTHORIZED.add(req.raw);
      return done();
    }
    const c = cookie(req, SESSION_COOKIE);
    if (c !== undefined && session !== undefined && sameSecret(c, session) && !(req.method === 'POST' && path === '/api/session')) {
      SERVER_AUTHORIZED.add(req.raw);
      return done();
    }
    // An ingest route with a token of its own checks it itself (sources/http).
    if (got !== undefined && opts.isIngest?.(path) === true && (opts.ingestTokens ?? []).some((t) => sameSecret(got, t))) return done();
    if (req.method === 'GET' && path === '/' && String(req.headers.accept ?? '').includes('text/html')) {
      return void reply.status(401).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store')
        .header('content-security-policy', LOGIN_CSP).header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').send(LOGIN_PAGE);
    }
    // HEC clients (splunk-logging, Vector, Fluent Bit, the Collector) read Splunk's codes: 401 code 2
    // (no token), 401 code 3 (not a token scheme), 403 code 4 (wrong token).
    if (isHecPath(path)) return void hecDialect.refuse(reply, authProblem(req.headers.authorization));
    return void deny(reply, 401, 'Missing or wrong token: send `Authorization: Bearer <server.auth_token>`.', 'ANOMALOG_ERR_API_AUTH');
  });

  // The UI's sign-in: the guard already checked the bearer token (a cookie alone does not reach here).
  app.post('/api/session', async (_req, reply) => {
    if (session === undefined) return reply.status(404).send({ error: 'No server.auth_token is set: the UI needs no sign-in.', code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    void reply.header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict${opts.secureCookie === true ? '; Secure' : ''}`);
    return reply.status(204).header('cache-control', 'no-store').send();
  });
  app.delete('/api/session', async (_req, reply) => {
    void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${opts.secureCookie === true ? '; Secure' : ''}`);
    return reply.status(204).send();
  });
  app.get('/login.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(LOGIN_JS));
}

/** A browser's own word that another site sent this (Fetch Metadata), or an Origin that is not this host. */
function crossSite(req: FastifyRequest, otherNames: ReadonlySet<string>): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return true; // `null` (sandboxed frames, file: pages) and garbage
  }
  const host = typeof req.headers.host === 'string' ? req.headers.host.toLowerCase() : '';
  if (o.host.toLowerCase() === host) return false;
  // A listed name (a reverse proxy's public name) is this service too.
  return !otherNames.has(hostName(o.host));
}

const LOGIN_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>anomalog — sign in</title><script src="/login.js" defer></script></head>
<body>
<main>
<h1>anomalog</h1>
<p>This service is protected by a token (<code>server.auth_token</code>). Paste it to sign in; it is sent once, in a header, and not kept by the browser.</p>
<form id="login"><label>Token <input id="token" type="password" autocomplete="current-password" required autofocus></label> <button type="submit">Sign in</button></form>
<p id="error" role="alert" hidden></p>
</main>
</body></html>
`;

// Signs in with the token from the form, or from a `#token=` fragment (never sent to the server; removed from the address bar at once).
const LOGIN_JS = `'use strict';
(function () {
  var err = document.getElementById('error');
  function signIn(token) {
    return fetch('/api/session', { method: 'POST', headers: { authorization: 'Bearer ' + token }, credentials: 'same-origin' }).then(function (r) {
      if (r.ok) { location.replace('/'); return; }
      err.textContent = r.status === 401 ? 'Wrong token.' : 'Sign-in failed (' + r.status + ').';
      err.hidden = false;
    });
  }
  var m = /^#token=(.+)$/.exec(location.hash);
  if (m) { history.replaceState(null, '', location.pathname + location.search); signIn(decodeURIComponent(m[1])); }
  document.getElementById('login').addEventListener('submit', function (e) {
    e.preventDefault();
    signIn(document.getElementById('token').value);
  });
})();
`;
