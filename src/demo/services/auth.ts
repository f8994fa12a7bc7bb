/**
 * @module demo/services/auth
 * The `auth` service: syslog as a relay forwards it — RFC 5424 lines from the login service
 * (`<86>1 2026-11-30T15:12:28.123Z auth-1 authd 812 - [req@32473 id="…"] login succeeded …`) and
 * RFC 3164 lines from the bastion's sshd (`<86>Nov 30 15:12:28 bastion-1 sshd[4123]: Accepted
 * publickey for deploy from 10.0.4.12 port 51234 ssh2`). Internet background noise — a failed
 * password for an invalid user now and then — is part of normal traffic.
 *
 * Incident lines: a password-guessing burst from one address.
 */
import type { DemoRandom } from '../random.js';
import { bsdTime, internalIp, isoTime, Mix, type ServiceGenerator, USERS } from './common.js';

/** PRI = facility × 8 + severity: authpriv (10) info (6) = 86, notice (5) = 85, warning (4) = 84. */
const INFO = 86;
const NOTICE = 85;
const WARNING = 84;

const GUESSES = ['admin', 'root', 'test', 'oracle', 'ubuntu', 'postgres', 'git', 'user', 'guest', 'support', 'pi', 'ftp'];
const SCANNERS = ['198.51.100.23', '203.0.113.77', '192.0.2.150', '198.51.100.200'];

/** The address of the brute-force burst (documentation range, RFC 5737). */
export const ATTACKER = '203.0.113.45';

function rfc5424(t: number, r: DemoRandom, pri: number, msg: string): string {
  return `<${pri}>1 ${isoTime(t)} auth-1 authd ${r.int(800, 820)} - [req@32473 id="${r.hex(8)}"] ${msg}`;
}

function rfc3164(t: number, r: DemoRandom, pri: number, msg: string): string {
  return `<${pri}>${bsdTime(t)} bastion-1 sshd[${r.int(3000, 9000)}]: ${msg}`;
}

const port = (r: DemoRandom) => r.int(32_768, 60_999);

type Make = (t: number, r: DemoRandom) => string;

const MIX = new Mix<Make>([
  [30, (t, r) => rfc5424(t, r, INFO, `login succeeded for user ${r.pick(USERS)} via ${r.chance(0.6) ? 'password' : 'sso'}`)],
  [24, (t, r) => rfc5424(t, r, INFO, `token refreshed for user ${r.pick(USERS)}`)],
  [8, (t, r) => rfc5424(t, r, INFO, `session expired for user ${r.pick(USERS)}`)],
  [4, (t, r) => rfc5424(t, r, WARNING, `login failed for user ${r.pick(USERS)}: invalid password`)],
  [6, (t, r) => rfc3164(t, r, INFO, `Accepted publickey for ${r.pick(['deploy', 'ops', 'backup'])} from ${internalIp(r)} port ${port(r)} ssh2`)],
  [6, (t, r) => rfc3164(t, r, INFO, `pam_unix(sshd:session): session opened for user ${r.pick(['deploy', 'ops', 'backup'])}(uid=${r.int(1001, 1003)}) by (uid=0)`)],
  [6, (t, r) => rfc3164(t, r, INFO, `Disconnected from user ${r.pick(['deploy', 'ops', 'backup'])} ${internalIp(r)} port ${port(r)}`)],
  [3, (t, r) => rfc3164(t, r, NOTICE, `Failed password for invalid user ${r.pick(GUESSES)} from ${r.pick(SCANNERS)} port ${port(r)} ssh2`)],
]);

export const auth: ServiceGenerator = {
  name: 'auth',
  format: 'syslog',
  rate: 20,
  normal(t, r) {
    return MIX.pick(r)(t, r);
  },
};

/** One guess of the brute-force burst. */
export function authBruteForce(t: number, r: DemoRandom): string {
  return rfc3164(t, r, NOTICE, `Failed password for invalid user ${r.pick(GUESSES)} from ${ATTACKER} port ${port(r)} ssh2`);
}
