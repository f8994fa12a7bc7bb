/**
 * @module demo/services/db
 * The `db` service: PostgreSQL statement logging (`log_min_duration_statement = 0`) shipped as
 * logfmt (`ts=… level=info pid=… db=shop user=api msg="duration: 4.210 ms  statement: …"`). Each
 * statement is its own template; its duration is the parameter the params detector follows.
 *
 * Incident lines: warnings that exist at a trickle in normal traffic (`WARNINGS`) and rise during
 * the trend incident (another one each cycle); the latency incident multiplies the duration of the
 * orders query (`Modifiers.latencyFactor`) and changes nothing else.
 */
import type { DemoRandom } from '../random.js';
import { internalIp, isoTime, Mix, type Modifiers, type ServiceGenerator } from './common.js';

/** The statement whose latency degrades in the latency incident. */
export const SLOW_STATEMENT = 'SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20';

type Make = (r: DemoRandom, mods: Modifiers) => { level: string; msg: string; user?: string };

/** Warnings of a busy database: each trickles in normal traffic (≈0.7/s); the trend raises one per cycle. */
export const WARNINGS = [
  'connection pool nearly exhausted, clients are waiting',
  'checkpoints are occurring too frequently, consider increasing max_wal_size',
  'replication lag on the standby above threshold',
  'autovacuum is not keeping up with dead tuples on table orders',
] as const;

function warningsMix(): [number, Make][] {
  return WARNINGS.map((msg): [number, Make] => [1, () => ({ level: 'warn', msg })]);
}

const stmt = (ms: number, sql: string) => `duration: ${ms.toFixed(3)} ms  statement: ${sql}`;

const MIX = new Mix<Make>([
  [34, (r) => ({ level: 'info', msg: stmt(r.around(0.6, 0.3), 'SELECT id, name, price FROM products WHERE id = $1') })],
  [5, (r, m) => ({ level: 'info', msg: stmt(r.around(6, 3) * m.latencyFactor, SLOW_STATEMENT) })],
  [6, (r) => ({ level: 'info', msg: stmt(r.around(2.5, 1.1), 'INSERT INTO orders (customer_id, total) VALUES ($1, $2)') })],
  [16, (r) => ({ level: 'info', msg: stmt(r.around(0.9, 0.4), 'UPDATE sessions SET last_seen = now() WHERE id = $1') })],
  [10, (r) => ({ level: 'info', msg: stmt(r.around(1.4, 0.6), 'SELECT count(*) FROM cart_items WHERE cart_id = $1') })],
  [3, (r) => ({ level: 'info', msg: `connection received: host=${internalIp(r)} port=${r.int(32_768, 60_999)}`, user: '[unknown]' })],
  [3, () => ({ level: 'info', msg: 'connection authorized: user=api database=shop application_name=api' })],
  [3, (r) => ({ level: 'info', msg: `disconnection: session time: 0:00:${String(r.int(10, 59))}.${r.int(100, 999)} user=api database=shop` })],
  ...warningsMix(),
]);

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

/** One warning of the cycle's trend (added on top of the normal trickle). */
export function dbWarning(t: number, r: DemoRandom, cycle: number): string {
  return line(t, r, 'warn', WARNINGS[cycle % WARNINGS.length]);
}
