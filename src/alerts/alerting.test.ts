import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Logger } from '../core/component.js';
import type { Alert, Sink, WriteResult } from '../core/sink.js';
import { webhookConfigSchema } from '../sinks/webhook/config.js';
import { openStore, type Store } from '../store/store.js';
import { tmpDir, type TmpDir } from '../../test/harness/store-fixtures.js';
import { Alerting, localOnly } from './alerting.js';
import { alertsConfigSchema, type AlertsOptions } from './config.js';

let tmp: TmpDir;
let store: Store;
let clock: ManualClock;
let logged: { level: string; msg: string; fields?: Record<string, unknown> }[];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
};
beforeEach(() => {
  tmp = tmpDir();
  clock = new ManualClock(1_000_000);
  store = openStore(tmp.file(), { clock });
  logged = [];
});
afterEach(() => {
  store.close();
  tmp.remove();
});

class NullSink implements Sink {
  readonly batches: Alert[][] = [];
  constructor(readonly name: string) {}
  async healthcheck(): Promise<void> {}
  async write(batch: readonly Alert[]): Promise<WriteResult> {
    this.batches.push([...batch]);
    return 'ok';
  }
  async close(): Promise<void> {}
}

function alerting(opts: AlertsOptions, publicUrl: string, sinks = ['hook']): Alerting {
  const delivery = webhookConfigSchema.parse({ url: 'http://127.0.0.1:1/' });
  return new Alerting(
    alertsConfigSchema.parse({ poll_interval_ms: 60_000, ...opts }),
    sinks.map((n) => ({ sink: new NullSink(n), delivery })),
    { outbox: store.outbox, clock, logger, publicUrl: () => publicUrl },
  );
}

const LINK_WARNING = 'Alert links point at a local address; set alerts.public_url to the address people open the UI at.';

describe('alerting start: links to a local address', () => {
  it('warns once at start when sinks are configured, public_url is unset and the links are loopback', async () => {
    const al = alerting({}, 'http://127.0.0.1:8080', ['hook', 'chat']);
    al.start();
    await al.stop();
    expect(logged.filter((l) => l.msg === LINK_WARNING)).toEqual([
      { level: 'warn', msg: LINK_WARNING, fields: { public_url: 'http://127.0.0.1:8080', sinks: ['hook', 'chat'] } },
    ]);
  });

  it('says nothing with public_url set, with a routable listen address, or without sinks', async () => {
    for (const al of [
      alerting({ public_url: 'http://localhost:8080' }, 'http://localhost:8080'),
      alerting({}, 'http://10.1.2.3:8080'),
      alerting({}, 'http://127.0.0.1:8080', []),
    ]) {
      al.start();
      await al.stop();
    }
    expect(logged.filter((l) => l.msg === LINK_WARNING)).toEqual([]);
  });

  it('localOnly: loopback and wildcard hosts', () => {
    for (const u of ['http://127.0.0.1:8080', 'http://127.3.4.5', 'http://localhost:1', 'http://[::1]:8080', 'http://0.0.0.0:8080', 'http://[::]:80', 'http://app.localhost/']) {
      expect(localOnly(u), u).toBe(true);
    }
    for (const u of ['http://10.0.0.1:8080', 'https://anomalog.example.com', 'http://[2001:db8::1]/', 'http://128.0.0.1', 'not a url']) expect(localOnly(u), u).toBe(false);
  });
});
