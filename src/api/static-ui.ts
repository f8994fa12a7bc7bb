/**
 * @module api/static-ui
 * Serves the built web UI (`vite build` of web/ into dist/web/) on the service port: `GET /` answers
 * index.html to clients that accept text/html (browsers), and `GET /assets/{file}` the hashed
 * bundles. The file list is read once at start into a fixed map url → body, content type and cache
 * header (gzip pre-computed); a request only looks its name up in that map — no path is ever joined
 * from request input. Without a build, `/` answers a 503 page saying to run `npm run build:web`.
 *
 * `GET /` is shared with the http source's Elasticsearch probe: the UI's route carries the
 * `accept: 'html'` route constraint, so JSON clients still get the probe.
 * @example
 * registerStaticUi(app, { dir: new URL('../../dist/web/', import.meta.url) });
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** dist/web of the package: `../../dist/web` from both src/api/ and dist/api/. */
export const DEFAULT_UI_DIR = new URL('../../dist/web/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** Scripts and styles from this origin only (nothing inline), no frames, no plugins. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  cache: string;
}

export interface StaticUiOptions {
  /** The build output (index.html and assets/); default dist/web of the package. */
  dir?: URL;
}

/** Reads the built files once: `index.html` and `assets/<name>` with a known extension. */
export function loadUi(dir: URL): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const index = new URL('index.html', dir);
  if (!existsSync(index)) return files;
  files.set('index.html', asset(readFileSync(index), TYPES['.html'], 'no-cache'));
  const assets = new URL('assets/', dir);
  if (!existsSync(assets)) return files;
  for (const name of readdirSync(assets)) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    const file = new URL(encodeURIComponent(name), assets);
    if (type === undefined || !statSync(file).isFile()) continue;
    // Vite names bundles by content hash: they never change under the same name.
    files.set(`assets/${name}`, asset(readFileSync(file), type, 'public, max-age=31536000, immutable'));
  }
  return files;
}

function asset(body: Buffer, type: string, cache: string): Asset {
  const gzip = body.length > 1024 && !type.startsWith('image/png') && !type.startsWith('font/') ? gzipSync(body, { level: 9 }) : null;
  return { body, gzip, type, cache };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>anomalog — web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web UI is not built</h1>
<p>This anomalog was installed without its web UI. Run <code>npm run build:web</code> in the package
(or <code>npm run build</code>), then restart <code>anomalog serve</code>.</p>
<p>The JSON API is available under <a href="/api/health">/api/…</a>.</p>
</body></html>
`;

function send(req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  void reply.header('content-type', a.type).header('cache-control', a.cache).header('x-content-type-options', 'nosniff');
  if (a.gzip === null) return reply.send(a.body);
  void reply.header('vary', 'accept-encoding');
  if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.send(a.body);
  return reply.header('content-encoding', 'gzip').send(a.gzip);
}

/** Route constraint `accept: 'html'`: the request accepts text/html (a browser navigating). */
const acceptStrategy = {
  name: 'accept',
  storage() {
    const handlers = new Map<string, unknown>();
    return { get: (k: string) => handlers.get(k) ?? null, set: (k: string, v: unknown) => void handlers.set(k, v) };
  },
  deriveConstraint: (req: { headers: Record<string, string | string[] | undefined> }) => (String(req.headers.accept ?? '').includes('text/html') ? 'html' : 'other'),
  mustMatchWhenDerived: false,
};

/** Adds `GET /` (for text/html clients) and `GET /assets/:file` to the service's HTTP server. */
export function registerStaticUi(app: FastifyInstance, opts: StaticUiOptions = {}): { files: number } {
  const files = loadUi(opts.dir ?? DEFAULT_UI_DIR);
  if (!app.hasConstraintStrategy('accept')) app.addConstraintStrategy(acceptStrategy as never);
  app.get('/', { constraints: { accept: 'html' } }, async (req, reply) => {
    const index = files.get('index.html');
    if (index === undefined) {
      return reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
    }
    void reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    return send(req, reply, index);
  });
  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const a = files.get(`assets/${req.params.file}`);
    if (a === undefined) return reply.status(404).send({ error: 'No such UI asset.', code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    return send(req, reply, a);
  });
  return { files: files.size };
}
