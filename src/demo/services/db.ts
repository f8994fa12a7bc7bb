/**
 * @module demo/services/db
 * The `db` service: PostgreSQL statement logging (`log_min_duration_statement = 0`) shipped as
 * logfmt (`ts=… level=info pid=… db=shop user=api msg="duration: 4.210 ms  statement: …"`). Each
 * statement is its own template; its duration is the parameter the params detector follows.
 *
 * Incident lines: `connection pool nearly exhausted` warnings, which exist at a trickle in normal
 * traffic and rise during the trend incident; the latency incident multiplies the duration of the
 * orders query (`Modifiers.latencyFactor`) and changes nothing else.
 */
import type { DemoRandom } from '../random.js';
import { internalIp, isoTime, Mix, type Modifiers, type ServiceGenerator } from './common.js';

/** The statement whose latency degrades in the latency incident. */
export const SLOW_STATEMENT = 'SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20';

type Make = (r: DemoRandom, mods: Modifiers) => { level: string; msg: string; user?: string };

const stmt = (ms: number, sql: string) => `duration: ${ms.toFixed(3)} ms  statement: ${sql}`;

const MIX = new Mix<Make>([
  [34, (r) => ({ level: 'info', msg: stmt(r.clampedNormal(0.6, 0.15, 0.25, 1.05), 'SELECT id, name, price FROM products WHERE id = $1') })],
  [5, (r, m) => ({ level: 'info', msg: stmt(r.clampedNormal(6, 1.5, 2.5, 10.5) * m.latencyFactor, SLOW_STATEMENT) })],
  [6, (r) => ({ level: 'info', msg: stmt(r.clampedNormal(2.5, 0.6, 1.1, 4.3), 'INSERT INTO orders (customer_id, total) VALUES ($1, $2)') })],
  [16, (r) => ({ level: 'info', msg: stmt(r.clampedNormal(0.9, 0.2, 0.45, 1.5), 'UPDATE sessions SET last_seen = now() WHERE id = $1') })],
  [10, (r) => ({ level: 'info', msg: stmt(r.clampedNormal(1.4, 0.3, 0.7, 2.3), 'SELECT count(*) FROM cart_items WHERE cart_id = $1') })],
  [3, (r) => ({ level: 'info', msg: `connection received: host=${internalIp(r)} port=${r.int(32_768, 60_999)}`, user: '[unknown]' })],
  [3, () => ({ level: 'info', msg: 'connection authorized: user=api database=shop application_name=api' })],
  [3, (r) => ({ level: 'info', msg: `disconnection: session time: 0:00:${String(r.int(10, 59))}.${r.int(100, 999)} user=api database=shop` })],
  [0.5, () => poolWarning()],
]);

function poolWarning(): { level: string; msg: string } {
  return { level: 'warn', msg: 'connection pool nearly exhausted, clients are waiting' };
}

function line(t: number, r: DemoRandom, level: string, msg: string, user = 'api'): string {
  return `ts=${isoTime(t)} level=${level} pid=${r.int(2100, 2160)} db=shop user=${user} msg="${msg}"`;
}

export const db: ServiceGenerator = {
  name: 'db',
  format: 'logfmt',
  rate: 60,
  normal(t, r, mods) {
    const m = MIX.pick(r)(r, mods);
    return line(t, r, m.level, m.msg, m.user);
  },
};

/** One pool warning (the trend incident adds these on top of the normal trickle). */
export function dbPoolWarning(t: number, r: DemoRandom): string {
  const m = poolWarning();
  return line(t, r, m.level, m.msg);
}
