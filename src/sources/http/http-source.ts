/**
 * @module sources/http/http-source
 * HTTP ingest on the service port, in the formats shippers already speak: NDJSON (`POST /ingest`),
 * the Elasticsearch bulk API (`POST /_bulk`: Filebeat, Logstash, Fluent Bit, Vector), Loki push
 * (`POST /loki/api/v1/push`: protobuf from Promtail/Alloy, JSON from Fluent Bit/Vector) and OTLP/HTTP JSON logs
 * (`POST /v1/logs`: OpenTelemetry collectors). A request is answered after its records were taken by
 * the pipeline (back-pressure reaches the shipper as latency); while the pipeline has more than
 * `pipeline.max_pending_lines` waiting, requests are refused with 429 + `Retry-After` before their
 * bodies are read. Valid records of a partly bad body are taken; the answer is then a 400 that says
 * what was rejected.
 */
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import { bearerToken, sameSecret, SERVER_AUTHORIZED } from '../../core/bearer.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Cursor } from '../../core/event.js';
import type { RawBatch, Source, SourceStats } from '../../core/source.js';
import type { HttpSourceConfig } from './config.js';
import { INGEST_ROUTES } from './routes.js';
import { boundRecords, type Decoded, decodeEsBulk, decodeLokiPush, decodeNdjson, decodeOtlpPush, streamName } from './decode.js';

/** A Snappy-compressed Loki push may grow to this many times `max_body_bytes` once uncompressed. */
const LOKI_INFLATION = 4;

export interface HttpSourceStats extends SourceStats {
  /** Requests refused with 429 because the pipeline was busy (before their bodies were read). */
  throttled: number;
  /** Records cut at `max_line_bytes`. */
  truncated_lines: number;
}

export class HttpSource implements Source {
  readonly id: string;
  private emit: ((b: RawBatch) => Promise<void>) | null = null;
  private readonly st: HttpSourceStats = { received: 0, bytes: 0, dropped: 0, errors: 0, throttled: 0, truncated_lines: 0 };

  constructor(
    private readonly cfg: HttpSourceConfig,
    private readonly clock: Clock = systemClock,
    id = 'http',
    /** The pipeline's overload signal (`ComponentContext.busy`). */
    private readonly busy: () => boolean = () => false,
  ) {
    this.id = id;
  }

  stats(): HttpSourceStats {
    return { ...this.st };
  }

  /** Nothing to resume: shippers retry what was not answered with 2xx. */
  ack(_cursor: Cursor): void {}

  async run(emit: (b: RawBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    this.emit = emit;
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.emit = null;
  }

  /** Adds the ingest routes to the service's HTTP server. */
  register(app: FastifyInstance): void {
    const p = this.cfg.source_prefix;
    app.addContentTypeParser(['application/x-ndjson', 'text/plain', 'application/x-ldjson'], { parseAs: 'string', bodyLimit: this.cfg.max_body_bytes }, (_req, body, done) => done(null, body));
    // A busy pipeline refuses before the body is read: memory stays bounded however many shippers push.
    const onRequest = (_req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (!this.busy()) return done();
      this.st.throttled++;
      void reply.status(429).header('retry-after', '1').send({ error: 'The pipeline is behind; retry in a second.', code: 'ANOMALOG_ERR_API_BUSY' });
    };
    // Compressed bodies (the OTel Collector's otlphttp and Beats send gzip): inflated as they are read,
    // so `max_body_bytes` bounds the inflated size.
    const preParsing: preParsingHookHandler = (req, _reply, payload, done) => {
      const enc = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (enc === '' || enc === 'identity') return done(null, payload);
      if (enc !== 'gzip' && enc !== 'deflate') return done(Object.assign(new Error(`Unsupported Content-Encoding ${JSON.stringify(enc.slice(0, 40))}: send gzip, deflate or none.`), { statusCode: 415, code: 'ANOMALOG_ERR_API_BODY' }));
      const inflate = enc === 'gzip' ? createGunzip() : createInflate();
      // Registered before Fastify's own listener: a corrupt stream is the client's 400, not our 500.
      inflate.once('error', (e: Error & { statusCode?: number; code?: string }) => {
        e.message = `The body is not valid ${enc} (${e.message}).`;
        e.statusCode = 400;
        e.code = 'ANOMALOG_ERR_API_BODY';
      });
      // Fastify checks Content-Length against the bytes received, which only the wire stream knows.
      const counted = Object.assign(inflate, { receivedEncodedLength: 0 });
      payload.on('data', (chunk: Buffer) => void (counted.receivedEncodedLength += chunk.length));
      done(null, payload.pipe(counted));
    };
    const opts = { bodyLimit: this.cfg.max_body_bytes, onRequest, preParsing };
    const text = (b: unknown): string => (typeof b === 'string' ? b : b === undefined || b === null ? '' : JSON.stringify(b));
    app.post(INGEST_ROUTES.ndjson, opts, (req, reply) => this.handle(req, reply, (now) => decodeNdjson(text(req.body), sourceName(req, p), now)));
    // Elasticsearch accepts bulk bodies labelled application/json too: in this scope JSON is read as text.
    void app.register(async (bulk) => {
      bulk.removeContentTypeParser('application/json');
      bulk.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: this.cfg.max_body_bytes }, (_req, body, done) => done(null, body));
      bulk.post(INGEST_ROUTES.bulk, opts, (req, reply) => this.handle(req, reply, (now) => decodeEsBulk(text(req.body), p, now)));
      bulk.post<{ Params: { index: string } }>(INGEST_ROUTES.indexBulk, opts, (req, reply) => this.handle(req, reply, (now) => decodeEsBulk(text(req.body), p, now, req.params.index)));
    });
    // Protobuf pushes (Loki from Promtail/Alloy, OTLP from the Collector and SDKs) come as
    // application/x-protobuf: raw bytes in this scope; JSON stays with Fastify's parser.
    void app.register(async (proto) => {
      proto.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer', bodyLimit: this.cfg.max_body_bytes }, (_req, body, done) => done(null, body));
      const maxUncompressed = LOKI_INFLATION * this.cfg.max_body_bytes;
      proto.post(INGEST_ROUTES.loki, opts, (req, reply) => this.handle(req, reply, (now) => decodeLokiPush(req.body, p, now, maxUncompressed)));
      proto.post(INGEST_ROUTES.otlp, opts, (req, reply) => this.handle(req, reply, (now) => decodeOtlpPush(req.body, p, now)));
    });
    // Elasticsearch clients probe the root before bulk requests.
    app.get('/', async () => ({ name: 'anomalog', cluster_name: 'anomalog', version: { number: '8.0.0', build_flavor: 'default' }, tagline: 'anomalog ingest' }));
  }

  private async handle(req: FastifyRequest, reply: FastifyReply, decode: (now: number) => Decoded): Promise<unknown> {
    if (!this.authorized(req)) return reply.status(401).send({ error: 'Missing or wrong bearer token.', code: 'ANOMALOG_ERR_API_AUTH' });
    if (this.emit === null) return reply.status(503).send({ error: 'The pipeline is not running yet; retry.', code: 'ANOMALOG_ERR_API_BUSY' });
    const d = decode(this.clock.now());
    this.st.truncated_lines += boundRecords(d, this.cfg.max_line_bytes, this.cfg.max_records);
    this.st.bytes += Number(req.headers['content-length'] ?? 0);
    this.st.received += d.records.length;
    this.st.dropped += d.rejected;
    if (d.records.length > 0) {
      try {
        await this.emit({ records: d.records });
      } catch (e) {
        // The pipeline stopped (an engine thread died): nothing was taken; the shipper retries on 503.
        if ((e as { code?: string }).code !== 'ANOMALOG_ERR_ENGINE_THREAD') throw e;
        return reply.status(503).send({ error: `The pipeline is not processing; retry later. ${(e as Error).message}`, code: 'ANOMALOG_ERR_API_BUSY' });
      }
    }
    const body = { accepted: d.records.length, rejected: d.rejected, ...(d.errors.length ? { errors: d.errors } : {}) };
    if (d.rejected > 0) {
      this.st.errors++;
      return reply.status(400).send({ ...body, error: `${d.rejected} record(s) rejected: ${d.errors.join('; ')}.`, code: 'ANOMALOG_ERR_API_BODY' });
    }
    // Elasticsearch bulk clients expect this shape.
    if (req.url.endsWith('/_bulk')) return { took: 0, errors: false, items: d.records.map(() => ({ index: { status: 201 } })) };
    return body;
  }

  /** This source's token (scheme Bearer or Splunk, any case; constant time), or the service's own `server.auth_token`. */
  private authorized(req: FastifyRequest): boolean {
    if (this.cfg.token === undefined || SERVER_AUTHORIZED.has(req.raw)) return true;
    const got = bearerToken(req.headers.authorization);
    return got !== undefined && sameSecret(got, this.cfg.token);
  }
}

/** NDJSON source name: `?source=` or the `X-Anomalog-Source` header, sanitised. */
function sourceName(req: FastifyRequest, prefix: string): string {
  const q = (req.query as Record<string, unknown>)?.source;
  const h = req.headers['x-anomalog-source'];
  return `${prefix}:${streamName(typeof q === 'string' ? q : h, 'ingest')}`;
}
