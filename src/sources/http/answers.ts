/**
 * @module sources/http/answers
 * How each ingest protocol answers, in the shape its clients check: anomalog's own JSON
 * (`{accepted, rejected}`, errors as `{error, code}`), Elasticsearch's bulk answer with the
 * `X-Elastic-Product` header the 8.x clients require on every 2xx, Loki's `204 No Content`, and
 * Splunk HEC's `{"text", "code"}`. The http source decodes and hands records to the pipeline; a
 * dialect only says who may send (the `Authorization` schemes) and what to answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptedOf, type Decoded } from './decode.js';
import { HEC, type HecAnswer, type HecDecoded } from './hec.js';
import { encodeOtlpLogsResponse } from './otlp-proto.js';

/**
 * The Elasticsearch version the probe (`GET /`) reports: the last 8.x minor. The 8.x clients check
 * only the product header (their requests say `compatible-with=8`); Beats and Logstash read the
 * version and refuse an Elasticsearch older than themselves (Beats: `allow_older_versions`), so the
 * newest 8.x is the one every 8.x shipper accepts (README, shipper paragraph).
 */
export const ES_VERSION = '8.19.0';
export const ES_PRODUCT_HEADER = ['x-elastic-product', 'Elasticsearch'] as const;

/** Why a request was not taken before decoding. */
export type Refusal = 'no-token' | 'bad-scheme' | 'wrong-token' | 'busy' | 'not-running' | 'stopped';

export interface Dialect {
  /** `Authorization` schemes that carry the ingest token (`Bearer`, `Splunk`), lowercase. */
  schemes: readonly string[];
  refuse(reply: FastifyReply, why: Refusal, detail?: string): unknown;
  answer(reply: FastifyReply, d: Decoded, req: FastifyRequest): unknown;
}

function anomalogRefusal(reply: FastifyReply, why: Refusal, detail = ''): unknown {
  if (why === 'busy') return reply.status(429).header('retry-after', '1').send({ error: 'The pipeline is behind; retry in a second.', code: 'ANOMALOG_ERR_API_BUSY' });
  if (why === 'not-running') return reply.status(503).send({ error: 'The pipeline is not running yet; retry.', code: 'ANOMALOG_ERR_API_BUSY' });
  if (why === 'stopped') return reply.status(503).send({ error: `The pipeline is not processing; retry later. ${detail}`, code: 'ANOMALOG_ERR_API_BUSY' });
  return reply.status(401).send({ error: 'Missing or wrong bearer token.', code: 'ANOMALOG_ERR_API_AUTH' });
}

/** A body with rejected parts: the good records were taken; a 400 says what was not. */
function partly(reply: FastifyReply, d: Decoded): unknown {
  return reply.status(400).send({ accepted: acceptedOf(d), rejected: d.rejected, errors: d.errors, error: `${d.rejected} record(s) rejected: ${d.errors.join('; ')}.`, code: 'ANOMALOG_ERR_API_BODY' });
}

/** `POST /ingest`: `{accepted, rejected}`. */
export const anomalogDialect: Dialect = {
  schemes: ['bearer'],
  refuse: anomalogRefusal,
  answer: (reply, d) => (d.rejected > 0 ? partly(reply, d) : reply.send({ accepted: acceptedOf(d), rejected: 0 })),
};

/**
 * `POST /v1/logs`: OTLP/HTTP answers an `ExportLogsServiceResponse` in the request's encoding (the
 * SDKs' protobuf exporters fail to read anything else): empty when all was taken, `partial_success`
 * with the number rejected and why when some records were not; nothing readable is a 400.
 */
export const otlpDialect: Dialect = {
  schemes: ['bearer'],
  refuse: anomalogRefusal,
  answer(reply, d, req) {
    if (acceptedOf(d) === 0 && d.rejected > 0) return partly(reply, d);
    const why = d.errors.join('; ');
    if (req.body instanceof Uint8Array) return reply.header('content-type', 'application/x-protobuf').send(Buffer.from(encodeOtlpLogsResponse(d.rejected, why)));
    return reply.send(d.rejected > 0 ? { partialSuccess: { rejectedLogRecords: String(d.rejected), errorMessage: why } } : {});
  },
};

/**
 * `PUT|POST /_bulk`: Elasticsearch's bulk answer, one item per action in order (clients match them by
 * position), with its product header. A refused document fails its item (400, `errors: true`) and
 * the others are taken, as in Elasticsearch; an unreadable action line fails the request (400).
 */
export const esBulkDialect: Dialect = {
  schemes: ['bearer'],
  refuse: anomalogRefusal,
  answer(reply, d) {
    const list = d.bulkItems ?? [];
    let failed = 0;
    for (const it of list) if (it.error !== undefined) failed++;
    if (d.rejected > failed) return partly(reply, d);
    const items = list.map(({ op, index, error }) => ({
      [op]:
        error !== undefined
          ? { _index: index, status: 400, error: { type: 'document_parsing_exception', reason: error } }
          : op === 'delete'
            ? { _index: index, result: 'not_found', status: 404 }
            : { _index: index, result: 'created', status: 201 },
    }));
    return reply.header(...ES_PRODUCT_HEADER).send({ took: 0, errors: failed > 0, items });
  },
};

/** `POST /loki/api/v1/push`: Loki answers a taken push with 204 and no body (clients check it). */
export const lokiDialect: Dialect = {
  schemes: ['bearer'],
  refuse: anomalogRefusal,
  answer: (reply, d) => (d.rejected > 0 ? partly(reply, d) : reply.status(204).send()),
};

function splunk(reply: FastifyReply, a: HecAnswer, extra: Record<string, unknown> = {}): unknown {
  return reply.status(a.status).send({ text: a.text, code: a.code, ...extra });
}

/** Splunk HEC: `Authorization: Splunk <token>` (Bearer too), answers `{"text","code"}`. */
export const hecDialect: Dialect = {
  schemes: ['splunk', 'bearer'],
  refuse(reply, why) {
    if (why === 'no-token') return splunk(reply, HEC.tokenRequired);
    if (why === 'bad-scheme') return splunk(reply, HEC.invalidAuthorization);
    if (why === 'wrong-token') return splunk(reply, HEC.invalidToken);
    return splunk(reply.header('retry-after', '1'), HEC.serverBusy);
  },
  answer(reply, d) {
    const f = (d as HecDecoded).failure;
    if (f === undefined) return splunk(reply, HEC.success);
    // Splunk names the first bad event; the records before and after it were taken all the same.
    const extra = f.answer.code === HEC.invalidDataFormat.code || f.answer.code === HEC.eventRequired.code || f.answer.code === HEC.eventBlank.code ? { 'invalid-event-number': f.eventNumber } : {};
    return splunk(reply, f.answer, { ...extra, accepted: acceptedOf(d), rejected: d.rejected });
  },
};
