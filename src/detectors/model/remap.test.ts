import { describe, expect, it } from 'vitest';
import { ModelTemplates, TemplateRemap } from './remap.js';

const model = new ModelTemplates({
  '1': 'Failed password for <*> from <IP> port <NUM> <ID>',
  '2': 'pam_unix(sshd:auth): authentication failure; logname= uid=<NUM> euid=<NUM> tty=ssh ruser= rhost=<*> user=<*>',
  '3': 'Connection closed by <IP> [preauth]',
  '4': '<*> <*> <*>',
  '5': 'session opened for user <*> by (uid=<NUM>)',
});

describe('template ids of a published model, by template text', () => {
  it('finds a template as such, or word by word where one miner generalised a word the other has not', () => {
    expect(model.find('Connection closed by <IP> [preauth]')).toBe(3);
    // The worker's miner has not generalised the user yet; the model has.
    expect(model.find('Failed password for root from <IP> port <NUM> <ID>')).toBe(1);
    // A wildcard inside a word covers a masked value: rhost=<*> ⊇ rhost=<IP>.
    expect(model.find('pam_unix(sshd:auth): authentication failure; logname= uid=<NUM> euid=<NUM> tty=ssh ruser= rhost=<IP> user=<*>')).toBe(2);
    // The other way round: the worker generalised what the model has as a word.
    expect(model.find('session opened for user fztu by (uid=<NUM>)')).toBe(5);
    expect(model.find('session opened for <*> <*> by (uid=<NUM>)')).toBe(5);
  });

  it('does not match what differs in a word both sides know, in the number of words, or only through wildcards', () => {
    expect(model.find('Failed publickey for root from <IP> port <NUM> <ID>')).toBeUndefined();
    expect(model.find('Connection closed by <IP>')).toBeUndefined();
    expect(model.find('Connection reset by <IP> [preauth]')).toBeUndefined();
    // Three words fit `<*> <*> <*>` by wildcards alone: no word is equal, so no match.
    expect(model.find('disk is full')).toBeUndefined();
    expect(model.find('<*> <*> <*>')).toBe(4);
    expect(model.find('')).toBeUndefined();
  });

  it('translates a closed window to the model ids; unknown templates get ids the model never saw, merged counts stay', () => {
    const r = new TemplateRemap(model);
    const texts = new Map([
      [7, 'Connection closed by <IP> [preauth]'],
      [9, 'Failed password for root from <IP> port <NUM> <ID>'],
      [10, 'Failed password for <*> from <IP> port <NUM> <ID>'],
      [11, 'kernel panic at <HEX> now'],
    ]);
    const out = r.translate({ counts: { key: '', start: 0, end: 1, ids: [7, 9, 10, 11], counts: [4, 2, 3, 1], events: 10, errors: 0, warns: 0 }, texts, samples: [] });
    const c = out.closed.counts;
    expect(Object.fromEntries(c.ids.map((id, i) => [id, c.counts[i]]))).toEqual({ 1: 5, 3: 4, [-1_000_011]: 1 });
    expect(out.back.get(3)).toBe(7);
    expect(r.counts).toEqual({ windows: 1, known: 3, unknown: 1 });
  });
});
