import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ManualClock } from '../core/clock.js';
import { AnomalogError } from '../core/errors.js';
import { bearerToken, sameSecret } from '../core/bearer.js';
import { httpSourceConfigSchema } from '../sources/http/config.js';
import { HttpSource } from '../sources/http/http-source.js';
import { isIngestPath } from '../sources/http/routes.js';
import { acceptedHosts, hostName, isLoopback, reachableUrl, registerGuard, SESSION_COOKIE } from './guard.js';
import { serverSecurity } from './security.js';

const TOKEN = 'server-token-123';
const INGEST = 'ingest-token-456';

function appWith(guard: Parameters<typeof registerGuard>[1], sourceToken?: string) {
  const app = Fastify();
  registerGuard(app, { isIngest: isIngestPath, ...guard });
  app.get('/api/health', async () => ({ status: 'ok' }));
  app.get('/api/anomalies', async () => ({ anomalies: [] }));
  app.post('/api/anomalies/:id/feedback', async () => ({ ok: true }));
  app.get('/metrics', async () => 'm 1\n');
  const source = new HttpSource(httpSourceConfigSchema.parse(sourceToken === undefined ? {} : { token: sourceToken }), new ManualClock(1_700_000_000_000));
  source.register(app);
  const ac = new AbortController();
  const running = source.run(async () => {}, ac.signal);
  return { app, close: async () => (ac.abort(), await running, await app.close()) };
}

describe('bearer', () => {
  it('takes Bearer and Splunk schemes in any case, nothing else', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('BEARER  abc ')).toBe('abc');
    expect(bearerToken('Splunk abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
  });

  it('knows loopback binds and the Host names they accept', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('::')).toBe(false);
    expect(hostName('Example.COM:8080')).toBe('example.com');
    expect(hostName('[::1]:8080')).toBe('[::1]');
    expect(acceptedHosts('127.0.0.1', [])).toContain('localhost');
    expect(acceptedHosts('0.0.0.0', [])).toBeUndefined();
    expect(acceptedHosts('0.0.0.0', ['logs.example.com'])).toContain('logs.example.com');
  });

  it('names the address others reach: the listener\'s own, or on every interface a declared name, else the machine\'s', () => {
    expect(reachableUrl('http://127.0.0.1:8080', '127.0.0.1', [], 'box')).toBe('http://127.0.0.1:8080');
    expect(reachableUrl('http://127.0.0.1:8080', '10.0.0.5', [], 'box')).toBe('http://127.0.0.1:8080');
    expect(reachableUrl('http://127.0.0.1:8080', '0.0.0.0', [], 'box')).toBe('http://box:8080');
    expect(reachableUrl('https://[::1]:8443', '::', ['Logs.Example.com:8443'], 'box')).toBe('https://logs.example.com:8443');
  });
});

describe('guard with a token', () => {
  let t: ReturnType<typeof appWith>;
  beforeAll(async () => {
    t = appWith({ token: TOKEN, ingestTokens: [INGEST], hosts: acceptedHosts('127.0.0.1', []) }, INGEST);
    await t.app.ready();
  });
  afterAll(async () => t.close());
  const inject = (o: { method?: 'GET' | 'POST' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string }) =>
    t.app.inject({ method: o.method ?? 'GET', url: o.url, headers: { host: '127.0.0.1:8080', ...o.headers }, payload: o.payload });

  it('answers 401 on every route but /api/health without the token, and serves with it (scheme in any case)', async () => {
    expect((await inject({ url: '/api/health' })).statusCode).toBe(200);
    for (const [method, url, payload] of [['GET', '/api/anomalies'], ['GET', '/metrics'], ['POST', '/api/anomalies/x/feedback', '{}'], ['POST', '/ingest', 'hello\n'], ['GET', '/']] as const) {
      const h = { 'content-type': url === '/ingest' ? 'text/plain' : 'application/json' };
      const no = await inject({ method, url, headers: h, payload });
      expect(no.statusCode, `${method} ${url}`).toBe(401);
      expect(no.json().code).toBe('ANOMALOG_ERR_API_AUTH');
      expect(no.headers['www-authenticate']).toMatch(/^Bearer/);
      const yes = await inject({ method, url, headers: { ...h, authorization: `bearer ${TOKEN}` }, payload });
      expect(yes.statusCode, `${method} ${url}`).toBeLessThan(300);
    }
  });

  it('opens the ingest routes (only) to the ingest token; the server token works under the Splunk scheme too', async () => {
    expect((await inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain', authorization: `bearer ${INGEST}` }, payload: 'x\n' })).statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/services/collector/raw', headers: { 'content-type': 'text/plain', authorization: `Splunk ${INGEST}` }, payload: 'x\n' })).statusCode).not.toBe(401);
    expect((await inject({ method: 'POST', url: '/services/collector/raw', headers: { 'content-type': 'text/plain', authorization: `splunk ${TOKEN}` }, payload: 'x\n' })).statusCode).not.toBe(401);
    // HEC routes answer as Splunk does, whoever refuses (this guard or the source): 403 code 4, 401 code 2 or 3.
    const raw = (authorization?: string) => inject({ method: 'POST', url: '/services/collector/raw?channel=0e8a8c1e-1b5c-4b7e-9a55-1e2f3a4b5c6d', headers: { 'content-type': 'text/plain', ...(authorization === undefined ? {} : { authorization }) }, payload: 'x\n' });
    const wrong = await raw('Splunk wrong-token-xyz');
    expect([wrong.statusCode, wrong.json()]).toEqual([403, { text: 'Invalid token', code: 4 }]);
    const none = await raw();
    expect([none.statusCode, none.json()]).toEqual([401, { text: 'Token is required', code: 2 }]);
    const basic = await raw('Basic dXNlcjpwYXNz');
    expect([basic.statusCode, basic.json()]).toEqual([401, { text: 'Invalid authorization', code: 3 }]);
    const event = await inject({ method: 'POST', url: '/services/collector/event/1.0', headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope' }, payload: '{"event":"x"}' });
    expect([event.statusCode, event.json()]).toEqual([403, { text: 'Invalid token', code: 4 }]);
    // Splunk's HEC health answers without a token.
    expect((await inject({ url: '/services/collector/health' })).json()).toEqual({ text: 'HEC is healthy', code: 17 });
    expect((await inject({ url: '/api/anomalies', headers: { authorization: `Bearer ${INGEST}` } })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'text/plain', authorization: 'Bearer wrong-token-xyz' }, payload: 'x\n' })).statusCode).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) and cross-site writes, text/plain included, even with the token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const foreign = await inject({ url: '/api/anomalies', headers: { ...auth, host: 'evil.example' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('ANOMALOG_ERR_API_FORBIDDEN');
    expect((await inject({ url: '/api/health', headers: { host: 'localhost:8080' } })).statusCode).toBe(200);
    expect((await inject({ url: '/api/health', headers: { host: '127.0.0.2' } })).statusCode).toBe(200);
    for (const h of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'null' }] as Record<string, string>[]) {
      const r = await inject({ method: 'POST', url: '/ingest', headers: { ...auth, 'content-type': 'text/plain', ...h }, payload: 'injected\n' });
      expect(r.statusCode, JSON.stringify(h)).toBe(403);
    }
    // The UI's own requests: same origin.
    const same = await inject({ method: 'POST', url: '/api/anomalies/x/feedback', headers: { ...auth, 'content-type': 'application/json', origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, payload: '{}' });
    expect(same.statusCode).toBe(200);
  });

  it('signs the UI in with a cookie that never holds the token; a browser without one gets the sign-in page', async () => {
    const page = await inject({ url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/login.js');
    expect((await inject({ url: '/login.js' })).statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/api/session' })).statusCode).toBe(401);
    const s = await inject({ method: 'POST', url: '/api/session', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(s.statusCode).toBe(204);
    const set = String(s.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toContain(TOKEN);
    const cookie = set.split(';')[0];
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect((await inject({ url: '/api/anomalies', headers: { cookie } })).statusCode).toBe(200);
    expect((await inject({ url: '/api/anomalies', headers: { cookie: `${SESSION_COOKIE}=forged` } })).statusCode).toBe(401);
    // The cookie cannot mint itself again, and a cross-site write with it is refused.
    expect((await inject({ method: 'POST', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/api/anomalies/x/feedback', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(403);
  });
});

describe('guard without a token', () => {
  it('leaves the doors open on loopback but still refuses foreign Hosts and cross-site writes', async () => {
    const t = appWith({ hosts: acceptedHosts('127.0.0.1', []) });
    try {
      expect((await t.app.inject({ url: '/api/anomalies', headers: { host: '127.0.0.1:1' } })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/anomalies', headers: { host: 'evil.example:8080' } })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/ingest', headers: { host: '127.0.0.1', 'content-type': 'text/plain', origin: 'http://evil.example' }, payload: 'x\n' })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/ingest', headers: { host: '127.0.0.1', 'content-type': 'text/plain' }, payload: 'x\n' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('serverSecurity', () => {
  const base = { host: '127.0.0.1', public_metrics: false, allowed_hosts: [], insecure: false };
  it('refuses a public bind without a token unless insecure, and takes the token from the environment', () => {
    expect(() => serverSecurity({ ...base, host: '0.0.0.0' }, undefined)).toThrow(AnomalogError);
    try {
      serverSecurity({ ...base, host: '0.0.0.0' }, undefined);
    } catch (e) {
      expect((e as AnomalogError).code).toBe('ANOMALOG_ERR_SERVE_INSECURE');
      expect((e as AnomalogError).toLine()).toMatch(/auth_token.*--insecure/);
    }
    expect(serverSecurity({ ...base, host: '0.0.0.0', insecure: true }, undefined).token).toBeUndefined();
    expect(serverSecurity({ ...base, host: '0.0.0.0' }, 'from-env-token').token).toBe('from-env-token');
    expect(() => serverSecurity({ ...base, auth_token_file: '/nonexistent/token' }, undefined)).toThrow(/auth_token_file .*ENOENT/);
    expect(() => serverSecurity({ ...base, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } }, undefined)).toThrow(/server.tls.cert/);
  });
});
