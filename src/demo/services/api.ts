/**
 * @module demo/services/api
 * The `api` service: a Node.js backend logging JSON lines the way pino does (`level` as a number,
 * `time` in epoch ms, `pid`, `hostname`, `msg`, request fields). The message carries the values a
 * developer interpolates (ids, counts, durations): they become template parameters.
 *
 * Incident lines: error messages of a kind the service never wrote before (one per cycle).
 */
import type { DemoRandom } from '../random.js';
import { Mix, type ServiceGenerator, USERS } from './common.js';

const ROUTES = ['/v1/products', '/v1/cart', '/v1/orders', '/v1/search', '/v1/session'];

type Make = (r: DemoRandom) => { level: number; msg: string; extra?: Record<string, unknown> };

const MIX = new Mix<Make>([
  [46, (r) => ({ level: 30, msg: 'request completed', extra: { req: { method: r.chance(0.8) ? 'GET' : 'POST', url: r.pick(ROUTES) }, res: { statusCode: 200 }, responseTime: r.int(3, 60) } })],
  [6, (r) => ({ level: 30, msg: `order ${r.int(40_000, 99_999)} created for customer ${r.int(50_000, 99_999)} (${r.int(1, 6)} items, total ${r.around(80, 40).toFixed(2)} EUR)` })],
  [9, (r) => ({ level: 30, msg: `cache miss for product ${r.int(10_000, 19_999)}, loading from db` })],
  [7, (r) => ({ level: 30, msg: `fetched ${r.int(24, 48)} products from inventory in ${Math.round(r.around(40, 16))}ms` })],
  [5, (r) => ({ level: 30, msg: `payment authorized for order ${r.int(40_000, 99_999)} via ${r.pick(['stripe', 'adyen'])}` })],
  [8, (r) => ({ level: 30, msg: `session refreshed for user ${r.pick(USERS)}` })],
  [4, (r) => ({ level: 30, msg: `search "${r.pick(['red shoes', 'wool hat', 'bag', 'socks', 'linen shirt'])}" returned ${r.int(40, 90)} results` })],
  [2, (r) => ({ level: 40, msg: `inventory call retried (attempt ${r.int(2, 3)} of 3)` })],
]);

/** Error messages the service never logged before; cycle `n` uses variant `n % length`. */
const NEW_ERRORS: readonly ((r: DemoRandom) => string)[] = [
  (r) => `payment provider timeout: POST https://payments.internal/v2/charges failed after 3 retries (${r.int(5000, 5100)}ms)`,
  (r) => `ECONNREFUSED connecting to redis at 10.0.3.7:6379, serving session ${r.hex(12)} without cache`,
  (r) => `circuit breaker OPEN for inventory-service after ${r.int(20, 60)} consecutive failures`,
  (r) => `TypeError: Cannot read properties of undefined (reading 'price') in cart ${r.hex(10)}`,
];

function line(t: number, r: DemoRandom, level: number, msg: string, extra?: Record<string, unknown>): string {
  const head = { level, time: t, pid: 4242, hostname: 'api-7d9f8', req_id: `req-${r.hex(8)}`, msg };
  return JSON.stringify(extra ? { ...head, ...extra } : head);
}

export const api: ServiceGenerator = {
  name: 'api',
  format: 'json',
  rate: 80,
  normal(t, r) {
    const m = MIX.pick(r)(r);
    return line(t, r, m.level, m.msg, m.extra);
  },
};

/** A line of the cycle's new error (level 50, pino's `error`). */
export function apiNewError(t: number, r: DemoRandom, cycle: number): string {
  return line(t, r, 50, NEW_ERRORS[cycle % NEW_ERRORS.length](r), { err: { type: 'Error' } });
}

/** The first words of the cycle's new error, for the incident summary. */
export function apiNewErrorName(cycle: number): string {
  const sample = NEW_ERRORS[cycle % NEW_ERRORS.length]({ int: () => 0, hex: () => '…' } as unknown as DemoRandom);
  return sample.split(/[:,(]/)[0].trim();
}
