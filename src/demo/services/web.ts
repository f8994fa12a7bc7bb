/**
 * @module demo/services/web
 * The `web` service: an nginx front end writing the combined log format plus `$request_time`
 * (`log_format main '$remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`).
 *
 * Status codes are parameters of the access-log template (`GET <PATH> <ID> <NUM>`), so every code
 * normal traffic uses is common (200, 304 and 404 — a missing favicon, scanners — on GET; 201 on POST; 302/401 on login): a code first
 * seen late would look like an outlier to the params detector.
 */
import type { DemoRandom } from '../random.js';
import { accessTime, internalIp, Mix, type ServiceGenerator } from './common.js';

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
const REFERERS = ['-', 'https://shop.example.com/', 'https://shop.example.com/cart', 'https://www.google.com/'];
const ASSETS = ['/static/js/app.4f9c1e2a.js', '/static/js/vendor.91b3d0c7.js', '/static/css/main.0d7e55aa.css', '/static/img/logo.svg'];
const CATEGORIES = ['shoes', 'shirts', 'bags', 'hats', 'socks'];

interface Request {
  method: string;
  target: string;
  status: number;
  bytes: number;
  seconds: number;
}

type Make = (r: DemoRandom) => Request;

const get = (target: string, status: number, bytes: number, seconds: number): Request => ({ method: 'GET', target, status, bytes, seconds });

const MIX = new Mix<Make>([
  [8, (r) => get('/', 200, r.int(14_000, 16_000), r.clampedNormal(0.012, 0.004, 0.003, 0.03))],
  [18, (r) => get(`/products/${r.int(1000, 9999)}`, r.chance(0.12) ? 404 : 200, r.int(8_000, 12_000), r.clampedNormal(0.03, 0.01, 0.008, 0.08))],
  [12, (r) => get(`/api/v1/products?category=${r.pick(CATEGORIES)}&page=${r.int(1, 9)}`, 200, r.int(2_000, 9_000), r.clampedNormal(0.045, 0.012, 0.01, 0.1))],
  [22, (r) => (r.chance(0.35) ? get(r.pick(ASSETS), 304, 0, 0.001) : get(r.pick(ASSETS), 200, r.int(3_000, 180_000), r.clampedNormal(0.004, 0.002, 0.001, 0.02)))],
  [6, (r) => get('/cart', 200, r.int(5_000, 7_000), r.clampedNormal(0.02, 0.006, 0.005, 0.05))],
  [4, (r) => ({ method: 'POST', target: '/api/v1/cart/items', status: 201, bytes: r.int(200, 400), seconds: r.clampedNormal(0.05, 0.015, 0.015, 0.12) })],
  [3, (r) => ({ method: 'POST', target: '/login', status: r.chance(0.15) ? 401 : 302, bytes: r.int(0, 200), seconds: r.clampedNormal(0.08, 0.02, 0.03, 0.15) })],
  [8, () => get('/healthz', 200, 2, 0.001)],
  [6, () => get('/favicon.ico', 404, 153, 0.001)],
  // Scanners probing for common admin pages and secrets: always there on a public site.
  [6, (r) => get(r.pick(['/wp-login.php', '/.env', '/admin/config.php', '/.git/config', '/phpmyadmin/']), 404, 153, 0.001)],
  [2, (r) => ({ method: 'POST', target: '/api/v1/checkout', status: 200, bytes: r.int(300, 600), seconds: r.clampedNormal(0.2, 0.05, 0.08, 0.4) })],
]);

export const web: ServiceGenerator = {
  name: 'web',
  format: 'access-log',
  rate: 120,
  normal(t, r) {
    const q = MIX.pick(r)(r);
    const probe = q.target === '/healthz';
    const ip = probe ? '10.0.0.1' : internalIp(r);
    const user = q.target === '/api/v1/checkout' ? r.pick(['alice', 'bob', 'carol', 'dave']) : '-';
    const agent = probe ? 'kube-probe/1.31' : r.pick(AGENTS);
    const referer = probe ? '-' : r.pick(REFERERS);
    const proto = r.chance(0.7) ? 'HTTP/2.0' : 'HTTP/1.1';
    return `${ip} - ${user} [${accessTime(t)}] "${q.method} ${q.target} ${proto}" ${q.status} ${q.bytes} "${referer}" "${agent}" ${q.seconds.toFixed(3)}`;
  },
};
