/**
 * @module api/server
 * The JSON API and live feed on the service port (fastify): health, anomalies (filters, keyset
 * paging), one anomaly with its explanation and context, templates, a server-sent-events
 * stream of new anomalies, and the OpenAPI description of all of it (docs/openapi.yaml, kept in step
 * with the routes by openapi.test.ts). Query strings are validated with strict schemas: a bad one is a 400 that
 * names the parameter. The API only reads from the store.
 * @example
 * const api = buildApi({ store, clock, version: '0.1.0' });
 * await api.app.listen({ port: 8080, host: '127.0.0.1' });
 * engine.onAnomalies = (a) => api.feed.publish(a);
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { type Anomaly, SEVERITIES, STATUSES } from '../core/event.js';
import { isIngestPath } from '../sources/http/routes.js';
import { MAX_ATTR_KEY, MAX_ATTR_VALUE } from '../core/attrs.js';
import { type AnomalyPage, type AnomalyQuery, MAX_ATTR_FILTERS, storeWriteError, type TemplatePage, type TemplateQuery, writeFailureReason } from '../store/index.js';
import { LiveFeed } from './live-feed.js';
import { RateHistory, type TemplateKey } from './rate-history.js';
import { registerStaticUi } from './static-ui.js';
import { type FeedbackApi, feedbackView, registerFeedbackRoutes } from './feedback-routes.js';
import { type GuardOptions, registerGuard } from './guard.js';

/** What the API reads (the SQLite store implements it). */
export interface ApiStore {
  queryAnomalies(q?: AnomalyQuery): AnomalyPage;
  getAnomaly(id: string): Anomaly | undefined;
  listTemplates(q?: TemplateQuery): TemplatePage;
  /** The active model of every registry kind, without artifacts (`GET /api/models`). */
  activeModels?(): { id: string; kind: string; version: number; createdAt: number; active: boolean }[];
}

export interface ApiOptions {
  store: ApiStore;
  clock: Clock;
  version: string;
  /** Extra health details (sources, queue depths…), computed per request. */
  health?: () => Record<string, unknown>;
  /** Most live-feed clients at once. */
  maxStreamClients?: number;
  /** Rates for `GET /api/stats` (the UI's charts); without it the series stay empty. */
  history?: RateHistory;
  /** The built web UI served at `/` and `/assets/` (static-ui.ts); default dist/web of the package. */
  uiDir?: URL;
  /** Feedback on anomalies (src/feedback); without it the feedback routes answer 503. */
  feedback?: FeedbackApi;
  /** Prometheus exposition text for `GET /metrics` (src/telemetry); without it there is no such route. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Host, cross-site and token checks on every route (api/guard.ts); default: cross-site checks only. */
  guard?: GuardOptions;
  /** Serve HTTPS with this PEM certificate and key. */
  https?: { cert: Buffer; key: Buffer };
}

const time = z.coerce.number().int().nonnegative();
const anomalyQuery = z
  .object({
    since: time.optional(),
    until: time.optional(),
    source: z.string().max(512).optional(),
    detector: z.string().max(64).optional(),
    severity: z.enum(SEVERITIES).optional(),
    status: z.enum(STATUSES).optional(),
    /** Title substring (bound, LIKE wildcards escaped by the store). */
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(512).optional(),
    next: z.string().max(512).optional(),
  })
  .strict();
/**
 * `attr.<name>=<value>` pairs of the anomaly listing (the record's attributes, exact match, all of
 * them); the store binds each as a parameter of an indexed lookup.
 */
const attrFilters = z
  .record(z.string().min(1).max(MAX_ATTR_KEY), z.string().max(MAX_ATTR_VALUE, `an attribute value is at most ${MAX_ATTR_VALUE} characters`))
  .refine((r) => Object.keys(r).length <= MAX_ATTR_FILTERS, { message: `at most ${MAX_ATTR_FILTERS} attr.<name> filters` });

/** The query's `attr.<name>` parameters (name → value) apart from the others. A repeated one is a list: refused by the schema. */
function splitAttrParams(query: unknown): { attrs: Record<string, unknown>; rest: Record<string, unknown> } {
  const attrs: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (k.startsWith('attr.')) attrs[k.slice(5)] = v;
    else rest[k] = v;
  }
  return { attrs, rest };
}

const templateQuery = z
  .object({
    source: z.string().max(512).optional(),
    search: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

const statsQuery = z
  .object({
    /** `<source>:<templateId>` (split at the last colon), repeatable. */
    template: z.union([z.string().max(600), z.array(z.string().max(600)).max(200)]).optional(),
  })
  .strict();

/** `source:id` pairs of `?template=`; null when one is malformed. */
function templateKeys(raw: string | string[] | undefined): TemplateKey[] | null {
  const out: TemplateKey[] = [];
  for (const t of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    const at = t.lastIndexOf(':');
    const id = Number(t.slice(at + 1));
    if (at <= 0 || !Number.isSafeInteger(id) || id < 0 || t.slice(at + 1) === '') return null;
    out.push({ source: t.slice(0, at), templateId: id });
  }
  return out;
}

/** docs/openapi.yaml of the package: `../../docs` from both src/api/ and dist/api/. */
const OPENAPI_URL = new URL('../../docs/openapi.yaml', import.meta.url);

/** The OpenAPI description, or null when the package was installed without it. */
function readOpenApi(): string | null {
  try {
    return readFileSync(OPENAPI_URL, 'utf8');
  } catch {
    return null;
  }
}

export interface Api {
  app: FastifyInstance;
  feed: LiveFeed;
}

export function buildApi(opts: ApiOptions): Api {
  const app = (opts.https === undefined ? Fastify({ logger: false, bodyLimit: 1 << 20 }) : Fastify({ logger: false, bodyLimit: 1 << 20, https: opts.https })) as unknown as FastifyInstance;
  // First: its hook runs before every route's, ingest routes added later included.
  registerGuard(app, { isIngest: isIngestPath, ...opts.guard });
  const feed = new LiveFeed(opts.maxStreamClients ?? 100);
  // Uptime counts from listening (the engine's worker thread starts before that).
  let started = opts.clock.now();
  app.addHook('onReady', async () => {
    started = opts.clock.now();
  });
  const history = opts.history ?? new RateHistory({ clock: opts.clock });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    // A store refusing a query (bad cursor, limit, time) is the client's mistake.
    const clientError = error.code === 'ANOMALOG_ERR_STORE_QUERY' ? 400 : error.statusCode;
    const status = clientError && clientError >= 400 && clientError < 500 ? clientError : 500;
    // Fastify's own body errors (content type, JSON syntax, size) in our words and code.
    const body = error.code?.startsWith('FST_ERR_CTP_') ? bodyError(error.code, req.headers['content-type'], error.message, isIngestPath(req.url.split('?')[0])) : undefined;
    if (body !== undefined) return void reply.status(status).send({ error: body, code: 'ANOMALOG_ERR_API_BODY' });
    // The store refuses writes (disk full, locked…): a condition of the machine, said with its fix; try later.
    const refused = writeFailureReason(error);
    if (refused !== undefined) {
      const e = storeWriteError('anomalog.db', refused);
      return void reply.status(503).header('retry-after', '5').send({ error: e.toLine(), code: e.code });
    }
    void reply.status(status).send({ error: status === 500 ? 'Internal error.' : error.message, code: error.code ?? 'ANOMALOG_ERR_API' });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0].slice(0, 200);
    // An ingest route that is not there: the service runs without an HTTP source.
    const hint =
      (req.method === 'POST' || req.method === 'PUT') && isIngestPath(path)
        ? ' HTTP ingest is off: add a source `- type: http` under `sources` in the configuration (README, HTTP ingest).'
        : req.method === 'GET' && path === '/'
          ? ' The web UI answers browsers (Accept: text/html): open this address in a browser; the JSON API is under /api/.'
          : '';
    void reply.status(404).send({ error: `No route ${req.method} ${path}.${hint}`, code: 'ANOMALOG_ERR_API_NOT_FOUND' });
  });

  const openApi = readOpenApi();
  app.get('/api/openapi.yaml', async (_req, reply) => {
    if (openApi === null) return reply.status(404).send({ error: 'The OpenAPI description is not installed with this build.', code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    return reply.type('application/yaml; charset=utf-8').send(openApi);
  });

  app.get('/api/health', async (_req, reply) => {
    const body = { status: 'ok', version: opts.version, uptimeMs: opts.clock.now() - started, streamClients: feed.clients, ...(opts.health?.() ?? {}) };
    // A pipeline that stopped processing is not healthy: 503 for load balancers and liveness probes.
    // `degraded` (running, with `warnings`: a tailed path matching no file) stays 200.
    if (body.status === 'failing') void reply.status(503);
    return body;
  });

  app.get('/api/anomalies', async (req, reply) => {
    const { attrs, rest: plain } = splitAttrParams(req.query);
    const a = parse(attrFilters, attrs, reply);
    if (a === null) return reply;
    const q = parse(anomalyQuery, plain, reply);
    if (q === null) return reply;
    const { next, ...rest } = q;
    const page = opts.store.queryAnomalies({ ...rest, cursor: rest.cursor ?? next, ...(Object.keys(a).length > 0 ? { attrs: a } : {}) });
    // Each anomaly's latest feedback verdict, `open` when none.
    return { ...page, anomalies: page.anomalies.map((a) => ({ ...a, status: a.status ?? 'open' })) };
  });

  app.get<{ Params: { id: string } }>('/api/anomalies/:id', async (req, reply) => {
    const a = opts.store.getAnomaly(req.params.id);
    if (a === undefined) return reply.status(404).send({ error: `No anomaly with id ${JSON.stringify(req.params.id.slice(0, 100))}.`, code: 'ANOMALOG_ERR_API_NOT_FOUND' });
    return { ...a, status: a.status ?? 'open', feedback: (opts.feedback?.forAnomaly(a.id) ?? []).map(feedbackView) };
  });

  registerFeedbackRoutes(app, opts.feedback);

  app.get('/api/templates', async (req, reply) => {
    const q = parse(templateQuery, req.query, reply);
    if (q === null) return reply;
    return opts.store.listTemplates(q);
  });

  // The model registry: one active model per kind (the `model` detector's are `model-detector:<source>`).
  app.get('/api/models', async () => ({ models: opts.store.activeModels?.() ?? [] }));

  app.get('/api/stats', async (req, reply) => {
    const q = parse(statsQuery, req.query, reply);
    if (q === null) return reply;
    const templates = templateKeys(q.template);
    if (templates === null) return reply.status(400).send({ error: 'Bad query parameter template: expected <source>:<templateId>.', code: 'ANOMALOG_ERR_API_QUERY' });
    return history.snapshot({ templates });
  });

  registerStaticUi(app, { dir: opts.uiDir });

  app.get('/api/stream', (req, reply) => {
    if (!feed.accepts()) {
      void reply.status(503).send({ error: 'Too many live-feed clients.', code: 'ANOMALOG_ERR_API_BUSY' });
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': anomalog live feed\n\n');
    const off = feed.subscribe(res);
    req.raw.on('close', off);
  });

  const metrics = opts.metrics;
  if (metrics !== undefined) {
    app.get('/metrics', async (_req, reply) => {
      const m = await metrics();
      return reply.type(m.contentType).send(m.body);
    });
  }

  app.addHook('onClose', async () => feed.close());
  return { app, feed };
}

/** Validates a query string; on failure sends a 400 naming the parameter and returns null. */
function parse<T>(schema: z.ZodType<T>, raw: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : (issue as { keys?: string[] }).keys?.join(', ') ?? 'query';
  void reply.status(400).send({ error: `Bad query parameter ${where}: ${issue.message}.`, code: 'ANOMALOG_ERR_API_QUERY' });
  return null;
}

/**
 * A request body Fastify could not take, said so that the client knows what to send instead; on the
 * ingest routes the hints name the shippers' content types and the http source's size limit.
 */
function bodyError(code: string, contentType: string | undefined, message: string, ingest: boolean): string {
  const sent = JSON.stringify((contentType ?? '(none)').slice(0, 100));
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return ingest
      ? `Unsupported Content-Type ${sent}: send text/plain or application/x-ndjson (POST /ingest), application/json or application/x-ndjson (/_bulk), application/json or application/x-protobuf (Loki push, OTLP logs).`
      : `Unsupported Content-Type ${sent}: send application/json.`;
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return `The body is not valid JSON (Content-Type ${sent}): ${message}`;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return ingest ? 'The body is larger than this route accepts (`max_body_bytes` of the http source); send smaller batches.' : 'The body is larger than this route accepts.';
  return message;
}
