import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../config/load.js';
import { serveConfigSchema } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/component.js';
import { AnomalogError } from '../core/errors.js';
import { buildService } from '../topology/build.js';

// server.tls serves HTTPS; the certificate is made here with the installed openssl.
const dir = mkdtempSync(join(tmpdir(), 'anomalog-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: [execFileSync('cat', [cert])], headers, servername: 'localhost' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server.tls', () => {
  it('serves HTTPS with the given PEM pair; the token still guards every route', async () => {
    const config = validate({ data_dir: join(dir, 'data'), server: { port: 0, tls: { cert, key }, auth_token: 'tls-test-token-1' }, pipeline: { engine_thread: 'main' }, sources: [{ type: 'http' }] }, serveConfigSchema);
    const svc = buildService(config, { clock: systemClock, logger: silentLogger, version: 't' });
    const { url } = await svc.start();
    try {
      expect(url.startsWith('https://')).toBe(true);
      const port = new URL(url).port;
      expect((await get(`https://localhost:${port}/api/health`)).status).toBe(200);
      expect((await get(`https://localhost:${port}/api/anomalies`)).status).toBe(401);
      expect((await get(`https://localhost:${port}/api/anomalies`, { authorization: 'Bearer tls-test-token-1' })).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  it('a key file that is not PEM: one line naming the fix', () => {
    const bad = join(dir, 'bad.pem');
    writeFileSync(bad, 'not a key');
    const config = validate({ data_dir: join(dir, 'data2'), server: { port: 0, tls: { cert, key: bad } } }, serveConfigSchema);
    let err: unknown;
    try {
      buildService(config, { clock: systemClock, logger: silentLogger, version: 't' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalogError);
    expect((err as AnomalogError).code).toBe('ANOMALOG_ERR_TLS_INVALID');
    expect((err as AnomalogError).toLine()).toMatch(/server\.tls\.key .* not a PEM file/);
    // PEM, but not a key for this certificate.
    const other = join(dir, 'other.pem');
    writeFileSync(other, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(() => buildService(validate({ data_dir: join(dir, 'data3'), server: { port: 0, tls: { cert, key: other } } }, serveConfigSchema), { clock: systemClock, logger: silentLogger, version: 't' })).toThrow(/server\.tls cannot be used/);
  });
});
