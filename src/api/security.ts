/**
 * @module api/security
 * `server.*` security settings → what the API needs: the token (from `auth_token`,
 * `auth_token_file` or the ANOMALOG_AUTH_TOKEN environment variable, read by config/load), the
 * accepted Host names, the TLS key pair — and the refusal to listen on a non-loopback address
 * without a token unless `insecure` (`serve --insecure`) says so.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { AnomalogError } from '../core/errors.js';
import { acceptedHosts, type GuardOptions, isLoopback } from './guard.js';

/** The `server` section of the service configuration (config/schema.ts), structurally. */
export interface ServerSecurityConfig {
  host: string;
  auth_token?: string;
  auth_token_file?: string;
  public_metrics: boolean;
  allowed_hosts: string[];
  insecure: boolean;
  tls?: { cert: string; key: string };
}

export interface ServerSecurity {
  guard: GuardOptions;
  https?: { cert: Buffer; key: Buffer };
  /** The token in force, if any (for the startup line: never printed, only whether there is one). */
  token?: string;
}

/**
 * Resolves the settings; throws a one-line AnomalogError naming the fix for an unreadable token file
 * or key pair, and for a public bind without a token.
 * @param envToken ANOMALOG_AUTH_TOKEN, when set
 * @param ingestTokens the http sources' own tokens (they open the ingest routes only)
 */
export function serverSecurity(s: ServerSecurityConfig, envToken: string | undefined, ingestTokens: readonly string[] = []): ServerSecurity {
  let token = s.auth_token;
  if (token === undefined && s.auth_token_file !== undefined) token = readTokenFile(s.auth_token_file);
  if (token === undefined && envToken !== undefined && envToken.trim() !== '') token = envToken.trim();
  if (token !== undefined && token.length < 8) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', 'The server token is shorter than 8 characters.', { hint: 'Use a long random one, e.g. `openssl rand -hex 32`.' });
  }
  if (token === undefined && !isLoopback(s.host) && !s.insecure) {
    throw new AnomalogError('ANOMALOG_ERR_SERVE_INSECURE', `Refusing to listen on ${s.host} without a token: anyone who reaches the port could read every log-derived anomaly, send feedback and ingest lines.`, {
      hint: 'Set server.auth_token (or auth_token_file, or ANOMALOG_AUTH_TOKEN), listen on 127.0.0.1 behind a proxy, or pass --insecure if the network is trusted.',
    });
  }
  let https: ServerSecurity['https'];
  if (s.tls !== undefined) {
    https = { cert: readPem(s.tls.cert, 'server.tls.cert'), key: readPem(s.tls.key, 'server.tls.key') };
    try {
      createSecureContext(https);
    } catch (e) {
      throw new AnomalogError('ANOMALOG_ERR_TLS_INVALID', `server.tls cannot be used: ${(e as Error).message}.`, {
        hint: 'Give a PEM certificate and the private key that belongs to it (an encrypted key is not supported).',
      });
    }
  }
  return {
    token,
    https,
    guard: { token, ingestTokens, publicMetrics: s.public_metrics, hosts: acceptedHosts(s.host, s.allowed_hosts), allowedHosts: s.allowed_hosts, secureCookie: https !== undefined },
  };
}

function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `server.auth_token_file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, {
      hint: 'Point it at a readable file whose first line is the token.',
    });
  }
  const token = text.split('\n')[0].trim();
  if (token === '') throw new AnomalogError('ANOMALOG_ERR_CONFIG_INVALID', `server.auth_token_file ${path} is empty.`, { hint: 'Write the token on its first line.' });
  return token;
}

function readPem(path: string, key: string): Buffer {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    throw new AnomalogError('ANOMALOG_ERR_TLS_INVALID', `${key} ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, {
      hint: 'Point server.tls.cert and server.tls.key at readable PEM files (e.g. made with `openssl req -x509 -newkey rsa:2048 -nodes …`).',
    });
  }
  if (!b.toString('latin1', 0, 4096).includes('-----BEGIN ')) {
    throw new AnomalogError('ANOMALOG_ERR_TLS_INVALID', `${key} ${path} is not a PEM file.`, { hint: 'Give PEM files (-----BEGIN CERTIFICATE----- / -----BEGIN PRIVATE KEY-----).' });
  }
  return b;
}
