/**
 * @module sources/http/http-source
 * HTTP ingest on the service port, in the formats shippers already speak: NDJSON (`POST /ingest`),
 * the Elasticsearch bulk API (`POST /_bulk`: Filebeat, Logstash, Fluent Bit, Vector), Loki push
 * (`POST /loki/api/v1/push`: protobuf from Promtail/Alloy, JSON from Fluent Bit/Vector), OTLP/HTTP logs
 * (`POST /v1/logs`: OpenTelemetry collectors and SDKs) and Splunk HEC (`/services/collector/…`).
 * Each protocol answers in the shape its clients check (answers.ts). A request is answered after its records were taken by
 * the pipeline (back-pressure reaches the shipper as latency); while the pipeline has more than
 * `pipeline.max_pending_lines` waiting, requests are refused with 429 + `Retry-After` before their
 * bodies are read. Valid records of a partly bad body are taken; the answer is then a 400 that says
 * what was rejected.
 */
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import { sameSecret, SERVER_AUTHORIZED } from '../../core/bearer.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Cursor } from '../../core/event.js';
import type { Logger } from '../../core/component.js';
import { silentLogger } from '../../core/component.js';
import type { RawBatch, RawRecord, Source, SourceStats } from '../../core/source.js';
import { lookup, SourceBy } from '../shared/source-by.js';
import type { HttpSourceConfig } from './config.js';
import { HEC_ROUTES, INGEST_ROUTES } from './routes.js';
import { anomalogDialect, type Dialect, ES_PRODUCT_HEADER, ES_VERSION, esBulkDialect, hecDialect, lokiDialect, otlpDialect } from './answers.js';
import { decodeHecEvents, decodeHecRaw, HEC } from './hec.js';
import { boundRecords, type Decoded, type DecodedPart, decodeEsBulk, decodeLokiPush, decodeOtlpPush, INGEST_PART_RECORDS, ndjsonParts, streamName } from './decode.js';
import { readJsonBody, readLineBody, readWholeBody } from './line-body.js';

/** Parts of one request handed to the pipeline and not processed yet, at most. */
const PARTS_IN_FLIGHT = 2;

/** A Snappy-compressed Loki push may grow to this many times `max_body_bytes` once uncompressed. */
const LOKI_INFLATION = 4;

export interface HttpSourceStats extends SourceStats {
  /** Requests refused with 429 because the pipeline was busy (before their bodies were read). */
  throttled: number;
  /** Records cut at `max_line_bytes`. */
  truncated_lines: number;
  /** Records sent to an overflow source: `source_by` reached `pipeline.max_sources` ids. */
  overflow_records: number;
}

export class HttpSource implements Source {
  readonly id: string;
  private emit: ((b: RawBatch) => Promise<void>) | null = null;
  private readonly st: HttpSourceStats = { received: 0, bytes: 0, dropped: 0, errors: 0, throttled: 0, truncated_lines: 0, overflow_records: 0 };
  private readonly by: SourceBy;

  constructor(
    private readonly cfg: HttpSourceConfig,
    private readonly clock: Clock = systemClock,
    id = 'http',
    /** The pipeline's overload signal (`ComponentContext.busy`). */
    private readonly busy: () => boolean = () => false,
    logger: Logger = silentLogger,
    /** `pipeline.max_sources`: most record sources `source_by` opens. */
    maxSources = 1000,
  ) {
    this.id = id;
    this.by = new SourceBy(cfg.source_by, maxSources, logger);
  }

  stats(): HttpSourceStats {
    return { ...this.st, overflow_records: this.by.overflowRecords };
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
    const limit = { bodyLimit: this.cfg.max_body_bytes };
    // Line bodies stay bytes: /ingest reads them part by part (decode.ts#ndjsonParts), never as one string,
    // and over-long plain lines are cut as they arrive (line-body.ts).
    app.addContentTypeParser(['application/x-ndjson', 'text/plain', 'application/x-ldjson'], { ...limit }, (req, payload, done) =>
      readLineBody(req, payload, this.cfg.max_body_bytes, this.cfg.max_line_bytes, done),
    );
    const opts = (dialect: Dialect) => ({ ...limit, onRequest: this.throttle(dialect), preParsing: inflate });
    const text = (b: unknown): string => (typeof b === 'string' ? b : Buffer.isBuffer(b) ? b.toString('utf8') : b === undefined || b === null ? '' : JSON.stringify(b));
    const bytes = (b: unknown): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(text(b), 'utf8'));
    // JSON bodies are read as a stream with their over-long strings cut as the bytes arrive
    // (line-body.ts#readJsonBody): a 10 MB line is never a 10 MB buffer, string or parsed value.
    const maxBody = this.cfg.max_body_bytes;
    const maxLine = this.cfg.max_line_bytes;
    const jsonBody = (req: FastifyRequest, payload: Readable, done: (e: Error | null, b?: unknown) => void) => readJsonBody(req, payload, maxBody, maxLine, done);
    const jsonParse = app.getDefaultJsonParser('error', 'error');
    const parsedJson = (req: FastifyRequest, payload: Readable, done: (e: Error | null, b?: unknown) => void) => readJsonBody(req, payload, maxBody, maxLine, (e, b) => (e ? done(e) : jsonParse(req, b!.toString('utf8'), done)));
    app.post(INGEST_ROUTES.ndjson, opts(anomalogDialect), (req, reply) => this.handle(req, reply, anomalogDialect, (now) => ndjsonParts(bytes(req.body), sourceName(req, p), now, this.cfg.max_line_bytes)));
    // Elasticsearch takes PUT and POST on every bulk route, bodies labelled application/json or its
    // own vendor types (the 8.x clients send application/vnd.elasticsearch+x-ndjson): read as text.
    void app.register(async (bulk) => {
      bulk.removeContentTypeParser('application/json');
      bulk.addContentTypeParser(['application/json', 'application/vnd.elasticsearch+x-ndjson', 'application/vnd.elasticsearch+json'], { ...limit }, jsonBody);
      const methods: ('POST' | 'PUT')[] = ['POST', 'PUT'];
      bulk.route({ method: methods, url: INGEST_ROUTES.bulk, ...opts(esBulkDialect), handler: (req, reply) => this.handle(req, reply, esBulkDialect, (now) => decodeEsBulk(text(req.body), p, now)) });
      bulk.route<{ Params: { index: string } }>({ method: methods, url: INGEST_ROUTES.indexBulk, ...opts(esBulkDialect), handler: (req, reply) => this.handle(req, reply, esBulkDialect, (now) => decodeEsBulk(text(req.body), p, now, req.params.index)) });
    });
    // Protobuf pushes (Loki from Promtail/Alloy, OTLP from the Collector and SDKs) come as
    // application/x-protobuf: raw bytes in this scope; JSON stays with Fastify's parser.
    void app.register(async (proto) => {
      proto.addContentTypeParser('application/x-protobuf', { ...limit }, (req, payload, done) => readWholeBody(req, payload, maxBody, done));
      // Loki and OTLP JSON: Fastify's own JSON parser (same errors, same prototype-poisoning refusal), on the cut bytes.
      proto.removeContentTypeParser('application/json');
      proto.addContentTypeParser('application/json', { ...limit }, parsedJson);
      const maxUncompressed = LOKI_INFLATION * this.cfg.max_body_bytes;
      const labels = this.cfg.loki_source_labels;
      proto.post(INGEST_ROUTES.loki, opts(lokiDialect), (req, reply) => this.handle(req, reply, lokiDialect, (now) => decodeLokiPush(req.body, p, now, maxUncompressed, labels, maxLine)));
      proto.post(INGEST_ROUTES.otlp, opts(otlpDialect), (req, reply) => this.handle(req, reply, otlpDialect, (now) => decodeOtlpPush(req.body, p, now, maxLine)));
    });
    // Splunk HEC ignores the content type (splunk-logging sends application/x-www-form-urlencoded):
    // events are JSON, raw bodies plain lines (cut as they arrive, like /ingest's).
    const fields = this.cfg.hec_source_fields;
    void app.register(async (hec) => {
      hec.removeAllContentTypeParsers();
      hec.addContentTypeParser('*', { ...limit }, jsonBody);
      for (const url of HEC_ROUTES.event) hec.post(url, opts(hecDialect), (req, reply) => this.handle(req, reply, hecDialect, (now) => decodeHecEvents(text(req.body), p, now, fields)));
      for (const url of HEC_ROUTES.health) hec.get(url, async (_req, reply) => (this.emit !== null && !this.busy() ? reply.send({ text: HEC.healthy.text, code: HEC.healthy.code }) : reply.status(HEC.unhealthy.status).send({ text: HEC.unhealthy.text, code: HEC.unhealthy.code })));
    });
    void app.register(async (hec) => {
      hec.removeAllContentTypeParsers();
      hec.addContentTypeParser('*', { ...limit }, (req, payload, done) => readLineBody(req, payload, maxBody, maxLine, done, false));
      for (const url of HEC_ROUTES.raw)
        hec.post(url, opts(hecDialect), (req, reply) => {
          const q = (req.query ?? {}) as Record<string, unknown>;
          return this.handle(req, reply, hecDialect, (now) => decodeHecRaw(text(req.body), q, req.headers['x-splunk-request-channel'] ?? q.channel, p, now, fields));
        });
    });
    // Elasticsearch clients, Beats and Logstash probe the root: version and product header (answers.ts).
    app.get('/', async (_req, reply) =>
      reply.header(...ES_PRODUCT_HEADER).send({
        name: 'anomalog',
        cluster_name: 'anomalog',
        cluster_uuid: '_na_',
        version: { number: ES_VERSION, build_flavor: 'default', build_type: 'tar', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' },
        tagline: 'You Know, for Search',
      }),
    );
  }

  /** A busy pipeline refuses before the body is read: memory stays bounded however many shippers push. */
  private throttle(dialect: Dialect) {
    return (_req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (!this.busy()) return done();
      this.st.throttled++;
      void dialect.refuse(reply, 'busy');
    };
  }

  /**
   * Decodes a body and hands its records to the pipeline in parts of at most INGEST_PART_RECORDS,
   * at most PARTS_IN_FLIGHT at a time (the next part is read while the pipeline takes the last):
   * memory per request is a few parts, not the body's records at once. Answers once every part was
   * taken, with the counts of the whole body.
   */
  private async handle(req: FastifyRequest, reply: FastifyReply, dialect: Dialect, decode: (now: number) => Decoded | Iterable<DecodedPart>): Promise<unknown> {
    const auth = this.authorize(req, dialect.schemes);
    if (auth !== 'ok') return dialect.refuse(reply, auth);
    if (this.emit === null) return dialect.refuse(reply, 'not-running');
    const decoded = decode(this.clock.now());
    const whole = isWhole(decoded) ? decoded : undefined;
    const parts: Iterable<Decoded & { truncated?: number }> = isWhole(decoded) ? slices(decoded, INGEST_PART_RECORDS) : decoded;
    const maxRecords = this.cfg.max_records;
    // The answer's counts; a whole body's own fields (bulk items, HEC's first failure) are kept.
    const sum: Decoded = { ...whole, records: [], errors: [], rejected: 0, accepted: 0 };
    let over = 0;
    const inFlight: Promise<void>[] = [];
    try {
      for (const part of parts) {
        // max_records counts over the whole body: the first ones are taken, the rest rejected.
        const room = maxRecords - sum.accepted!;
        if (part.records.length > room) {
          over += part.records.length - Math.max(0, room);
          part.records.length = Math.max(0, room);
        }
        this.st.truncated_lines += (part.truncated ?? 0) + boundRecords(part, this.cfg.max_line_bytes, Number.MAX_SAFE_INTEGER);
        sum.rejected += part.rejected;
        for (const e of part.errors) if (sum.errors.length < 5) sum.errors.push(e);
        if (part.records.length === 0) continue;
        if (this.by.active) splitSources(part.records, this.by);
        sum.accepted! += part.records.length;
        const taken = this.emit!({ records: part.records });
        // Awaited below or after the loop; a failure before then must not be unhandled.
        taken.catch(() => undefined);
        inFlight.push(taken);
        if (inFlight.length >= PARTS_IN_FLIGHT) await inFlight.shift();
        // The service is stopping: the rest is not taken, and the shipper is told to retry.
        if (this.emit === null) {
          await Promise.all(inFlight);
          return dialect.refuse(reply, 'not-running');
        }
      }
      await Promise.all(inFlight);
    } catch (e) {
      // The pipeline stopped (an engine thread died): what it had not taken is not; the shipper retries on 503.
      if ((e as { code?: string }).code !== 'ANOMALOG_ERR_ENGINE_THREAD') throw e;
      return dialect.refuse(reply, 'stopped', (e as Error).message);
    }
    if (over > 0) {
      sum.rejected += over;
      if (sum.errors.length < 5) sum.errors.push(`${over} record(s) beyond max_records (${maxRecords}) of one request: send smaller batches`);
    }
    this.st.bytes += Number(req.headers['content-length'] ?? 0);
    this.st.received += sum.accepted!;
    this.st.dropped += sum.rejected;
    if (sum.rejected > 0) this.st.errors++;
    return dialect.answer(reply, sum, req);
  }

  /**
   * The ingest token (when one is set) under one of `schemes`, compared in constant time (core/bearer);
   * a request the service's guard already let in with `server.auth_token` passes too.
   */
  private authorize(req: FastifyRequest, schemes: readonly string[]): 'ok' | 'no-token' | 'bad-scheme' | 'wrong-token' {
    if (this.cfg.token === undefined || SERVER_AUTHORIZED.has(req.raw)) return 'ok';
    const h = req.headers.authorization ?? '';
    if (h === '') return 'no-token';
    const sp = h.trim().search(/[ \t]/);
    if (sp < 0 || !schemes.includes(h.trim().slice(0, sp).toLowerCase())) return 'bad-scheme';
    return sameSecret(h.trim().slice(sp).trim(), this.cfg.token) ? 'ok' : 'wrong-token';
  }
}

/**
 * Compressed bodies (the OTel Collector's otlphttp and Beats send gzip): inflated as they are read,
 * so `max_body_bytes` bounds the inflated size.
 */
const inflate: preParsingHookHandler = (req, _reply, payload, done) => {
  const enc = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return done(null, payload);
  if (enc !== 'gzip' && enc !== 'deflate') return done(Object.assign(new Error(`Unsupported Content-Encoding ${JSON.stringify(enc.slice(0, 40))}: send gzip, deflate or none.`), { statusCode: 415, code: 'ANOMALOG_ERR_API_BODY' }));
  const stream = enc === 'gzip' ? createGunzip() : createInflate();
  // Registered before Fastify's own listener: a corrupt stream is the client's 400, not our 500.
  stream.once('error', (e: Error & { statusCode?: number; code?: string }) => {
    e.message = `The body is not valid ${enc} (${e.message}).`;
    e.statusCode = 400;
    e.code = 'ANOMALOG_ERR_API_BODY';
  });
  // Fastify checks Content-Length against the bytes received, which only the wire stream knows.
  const counted = Object.assign(stream, { receivedEncodedLength: 0 });
  payload.on('data', (chunk: Buffer) => void (counted.receivedEncodedLength += chunk.length));
  done(null, payload.pipe(counted));
};

/**
 * `source_by`: each record's source gets the values of the named attributes — from what the protocol
 * carried (`attrs`), else from the JSON record's own fields (NDJSON, bulk documents: read only here,
 * only when `source_by` is set).
 */
function splitSources(records: RawRecord[], by: SourceBy): void {
  for (const r of records) {
    let doc: Record<string, unknown> | undefined | null = null;
    r.source = by.id(r.source, (k) => {
      const v = lookup(r.attrs, k);
      if (v !== undefined) return v;
      if (doc === null) doc = jsonObject(r.text);
      return lookup(doc, k);
    });
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** NDJSON source name: `?source=` or the `X-Anomalog-Source` header, sanitised. */
function sourceName(req: FastifyRequest, prefix: string): string {
  const q = (req.query as Record<string, unknown>)?.source;
  const h = req.headers['x-anomalog-source'];
  return `${prefix}:${streamName(typeof q === 'string' ? q : h, 'ingest')}`;
}

function isWhole(d: Decoded | Iterable<DecodedPart>): d is Decoded {
  return Array.isArray((d as Decoded).records);
}

/** A whole decoded body in parts of `size` records (the first part carries its errors). */
function* slices(d: Decoded, size: number): Generator<Decoded> {
  if (d.records.length === 0) {
    yield { records: [], errors: d.errors, rejected: d.rejected };
    return;
  }
  for (let i = 0; i < d.records.length; i += size) {
    yield i === 0 ? { records: d.records.slice(0, size), errors: d.errors, rejected: d.rejected } : { records: d.records.slice(i, i + size), errors: [], rejected: 0 };
  }
}
