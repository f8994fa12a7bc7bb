/**
 * @module test/harness/alerts
 * A sample alert for sink tests.
 */
import type { Alert } from '../../src/core/sink.js';

export function sampleAlert(over: Partial<Alert> = {}): Alert {
  return {
    status: 'firing',
    fingerprint: '0123456789abcdef',
    detector: 'novelty',
    source: 'file:/var/log/app.log',
    templateId: 42,
    severity: 'error',
    title: 'New message type: Disk failure on <*>',
    count: 3,
    anomaly: {
      id: 'an-1',
      ts: 1_700_000_000_000,
      source: 'file:/var/log/app.log',
      detector: 'novelty',
      score: 0.93,
      severity: 'error',
      title: 'New message type: Disk failure on <*>',
      explanation: [],
      context: ['INFO all good', 'ERROR Disk failure on /data/3'],
      templateId: 42,
    },
    anomalyIds: ['an-1', 'an-2', 'an-3'],
    firstSeen: 1_700_000_000_000,
    lastSeen: 1_700_000_060_000,
    startsAt: 1_700_000_000_500,
    endsAt: 1_700_000_660_000,
    url: 'http://127.0.0.1:8080/#/anomalies/an-1',
    ...over,
  };
}
