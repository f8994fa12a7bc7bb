/**
 * The OpenTelemetry JS SDK's OTLP/HTTP log exporters (protobuf and JSON), used as their READMEs
 * show, against `anomalog serve` with one `http` source.
 */
import { diag, type DiagLogger, DiagLogLevel } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { storedAttrs } from '../../src/core/attrs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestService, startIngestService } from '../harness/ingest-service.js';

const TOKEN = 'otel-interop-token';
let svc: IngestService;
// The SDK reports export failures through its diagnostic logger.
const problems: string[] = [];
const collect = (level: string) => (msg: string, ...args: unknown[]) => void problems.push(`${level}: ${msg} ${args.map((a) => String(a)).join(' ')}`);
const diagLogger: DiagLogger = { error: collect('error'), warn: collect('warn'), info: () => {}, debug: () => {}, verbose: () => {} };

beforeAll(async () => {
  diag.setLogger(diagLogger, DiagLogLevel.WARN);
  svc = await startIngestService([{ type: 'http', token: TOKEN }]);
});
afterAll(async () => {
  diag.disable();
  await svc?.stop();
});

const BASE = Date.parse('2026-11-20T10:00:00.000Z');

describe.each([
  ['protobuf', 'checkout', (url: string) => new ProtoExporter({ url, headers: { Authorization: `Bearer ${TOKEN}` } })],
  ['JSON', 'billing', (url: string) => new JsonExporter({ url, headers: { Authorization: `Bearer ${TOKEN}` } })],
])('OpenTelemetry SDK, OTLP/HTTP %s log exporter', (_encoding, service, exporterFor) => {
  it('delivers every record as http:<service.name> with its level, timestamp, body and attributes', async () => {
    const exporter = exporterFor(`${svc.url}/v1/logs`);
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new BatchLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('interop', '1.0.0');
    const n = 40;
    for (let i = 0; i < n; i++) {
      const error = i % 4 === 0;
      logger.emit({
        timestamp: BASE + i * 1000,
        severityNumber: error ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: error ? 'ERROR' : 'INFO',
        body: error ? `payment ${i} declined for order ${i * 7}` : `payment ${i} accepted for order ${i * 7}`,
        attributes: { 'order.id': `o-${i}`, region: 'eu' },
      });
    }
    await provider.forceFlush();
    await provider.shutdown();
    expect(problems).toEqual([]);
    const got = await svc.waitFor(`http:${service}`, n);
    expect(got).toHaveLength(n);
    const byTs = new Map(got.map((e) => [e.ts, e]));
    for (let i = 0; i < n; i++) {
      const e = byTs.get(BASE + i * 1000);
      const error = i % 4 === 0;
      expect(e, `record ${i}`).toMatchObject({ level: error ? 'error' : 'info', message: error ? `payment ${i} declined for order ${i * 7}` : `payment ${i} accepted for order ${i * 7}` });
      expect(e?.fields).toMatchObject({ 'order.id': `o-${i}`, region: 'eu', 'service.name': service });
      // The attributes as stored with an anomaly and filtered by (attr.order.id=…): resource and record attributes.
      expect(e?.attrs).toMatchObject({ 'order.id': `o-${i}`, region: 'eu', 'service.name': service });
      expect(storedAttrs(e?.fields, e?.attrs)).toMatchObject({ 'order.id': `o-${i}`, region: 'eu', 'service.name': service });
    }
  });
});
