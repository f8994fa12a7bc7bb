import { describe, expect, it } from 'vitest';
import { conflictsKeyValue } from './match.js';
import { TemplateMiner } from './miner.js';

describe('similarity: partly variable tokens', () => {
  it('`name:<value>` tokens that differ only in the name count half (dpkg package:arch)', () => {
    const m = new TemplateMiner();
    const pkgs = ['libc-bin', 'man-db', 'python3-minimal', 'zlib1g', 'openssl', 'ca-certificates'];
    const ids = new Set<number>();
    for (const [i, p] of pkgs.entries()) ids.add(m.add(`status installed ${p}:amd64 1.${i}.3-1`).templateId);
    expect(ids.size).toBe(1);
    expect(m.templates()[0].template).toBe('status installed <*> <ID>');
  });

  it('a different constant word is still a different message', () => {
    const m = new TemplateMiner();
    const a = m.add('status installed libc-bin:amd64 2.36-9').templateId;
    const b = m.add('status purged libc-bin:amd64 2.36-9').templateId;
    expect(a).not.toBe(b);
  });
});

describe('key=value tokens: the key names a field, a value keeps its structure until it varies', () => {
  it('conflictsKeyValue: another key, or a constant value built differently, is another event', () => {
    const t = (s: string): string[] => s.split(' ');
    // Another key at the position (a word glued before it counts): another field.
    expect(conflictsKeyValue(t('by (uid=<NUM>)'), t('by LOGIN(uid=<NUM>)'))).toBe(true);
    expect(conflictsKeyValue(t('a user=root'), t('a uid=root'))).toBe(true);
    // The same key: a value built alike is a value of the field…
    expect(conflictsKeyValue(t('a user=root'), t('a user=guest'))).toBe(false);
    expect(conflictsKeyValue(t('a uid=<NUM>'), t('a uid=<HEX>'))).toBe(false);
    // …one built differently is not, while the template still holds one value there.
    expect(conflictsKeyValue(t('a tty=NODEVssh'), t('a tty=:<NUM>'))).toBe(true);
    expect(conflictsKeyValue(t('a rhost='), t('a rhost=<IP>'))).toBe(true);
    // Once the value is a wildcard, any value fits (an empty one too).
    expect(conflictsKeyValue(t('a rhost=<*>'), t('a rhost='))).toBe(false);
    expect(conflictsKeyValue(t('a tty=<*>'), t('a tty=:<NUM>'))).toBe(false);
    // Text before `=` in a path or query string is no key.
    expect(conflictsKeyValue(t('GET /a/b?page=<NUM>'), t('GET /c?id=<NUM>'))).toBe(false);
    // Tokens without `=` are left to similarity.
    expect(conflictsKeyValue(t('a b c'), t('a x c'))).toBe(false);
  });

  it('the miner: one odd line does not widen a field of a large cluster (Linux pam_unix lines)', () => {
    const m = new TemplateMiner();
    const users = ['root', 'news', 'test', 'cyrus', 'guest'];
    let opened = 0;
    for (let i = 0; i < 80; i++) opened = m.add(`session opened for user ${users[i % 5]} by (uid=0)`).templateId;
    const login = m.add('session opened for user root by LOGIN(uid=0)');
    expect(login.templateId).not.toBe(opened);
    expect(m.template(opened)).toBe('session opened for user <*> by (uid=<NUM>)');
    let auth = 0;
    for (let i = 0; i < 100; i++) auth = m.add(`authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.${i % 7}.${i}`).templateId;
    expect(m.add('authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=').templateId).not.toBe(auth);
    // Values of one kind still merge: user names are a variable.
    const a = m.add('authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.1 user=root').templateId;
    expect(m.add('authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.2 user=guest').templateId).toBe(a);
    expect(m.template(a)).toContain('user=<*>');
  });
});

describe('Drain tree routing: a `name:qualifier` value in the first tokens', () => {
  it('one template per dpkg action, not one per architecture-independent package', () => {
    const m = new TemplateMiner();
    // `name:amd64` is masked (`libfoo:<ID>`, digits); `name:all` is not, and used to route each
    // package to a leaf (and a template) of its own.
    const pkgs = ['libfoo:amd64', 'bash:amd64', 'coreutils:amd64', 'tzdata:amd64', 'man-db:all', 'gnupg:all', 'ca-certificates:all', 'python3-setuptools:all'];
    const install = new Set<number>();
    const configure = new Set<number>();
    for (const p of pkgs) {
      install.add(m.add(`install ${p} <none> 1.2.3-1`).templateId);
      configure.add(m.add(`configure ${p} 1.2.3-1 <none>`).templateId);
    }
    expect(install.size).toBe(1);
    expect(configure.size).toBe(1);
    expect(m.template([...install][0])).toBe('install <*> <none> <ID>');
    // Another action is still another template; a trailing `component:` still routes as a word.
    expect(configure.has([...install][0])).toBe(false);
    expect(m.add('kernel: eth0 up').templateId).not.toBe(m.add('systemd: eth0 up').templateId);
  });
});
