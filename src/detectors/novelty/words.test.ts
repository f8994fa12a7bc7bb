import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { absorbedWords, isDumpField, MAX_TEXT_CHARS, MAX_WORDS_PER_TEXT, pushWords, wordsOf } from './words.js';

/** The reading wordsOf replaced: every whitespace-separated token through the regular expressions of pushWords. */
function wordsByRegex(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, MAX_TEXT_CHARS).matchAll(/\S+/g)) if (!pushWords(m[0], out)) break;
  return out;
}

describe('novelty words', () => {
  it('takes lower-cased words and leaves placeholders and value-like tokens out', () => {
    expect(wordsOf('Lustre mount FAILED : <ID> : block_id : location')).toEqual(['lustre', 'mount', 'failed', 'block_id', 'location']);
    expect(wordsOf('generating core.<NUM> (unit=<HEX> bit=<HEX>)')).toEqual(['generating', 'core', 'unit', 'bit']);
    // Digits, paths, addresses and dotted names are values.
    expect(wordsOf('loaded /bgl/apps/x from idotransportmgr.cpp by root@host R73-M1-N1 0x1f ok')).toEqual(['loaded', 'from', 'by', 'ok']);
    expect(wordsOf('a b data data DATA')).toEqual(['data']);
    // A format or URL escape is a value: 'pr%nlev' (an unexpanded file name) brings no words.
    expect(wordsOf('loading pr%nlev as %s')).toEqual(['loading', 'as']);
    expect(wordsOf('')).toEqual([]);
  });

  it('bounds its work on hostile input', () => {
    const many = Array.from({ length: 500 }, (_, i) => `w${'x'.repeat(i % 30)}q${String.fromCharCode(97 + (i % 26))}`).join(' ');
    expect(wordsOf(many).length).toBeLessThanOrEqual(MAX_WORDS_PER_TEXT);
    expect(wordsOf('a'.repeat(100_000))).toEqual([]);
  });

  it('finds the words a message brought into the wildcard positions of its template', () => {
    const tpl = 'ciod: Error reading message prefix on CioStream socket to <IP>:<NUM>, <*> <*> <*> <*>';
    const msg = 'ciod: Error reading message prefix on CioStream socket to 172.16.96.116:58768, Connection reset by peer';
    expect(absorbedWords(tpl, msg)).toEqual(['connection', 'reset', 'by', 'peer']);
    expect(absorbedWords('job <*> loaded <*>', 'job 42 loaded /a/b')).toEqual([]);
    // Unaligned template and message: nothing claimed.
    expect(absorbedWords('a <*> b', 'a x y b')).toEqual([]);
  });

  it('tells a line of a dump (a named number, a heading, values with their names) from a message that carries a value', () => {
    for (const t of ['machine state register: <HEX>', 'tlb error.........................<NUM>', 'program interrupt: fp cr update.............<NUM>', 'retries=<NUM>', ' queue depth: <NUM> ', 'special purpose registers:', 'Call Trace:', '<NUM>, max=<NUM>', 'lr:<HEX> cr:<NUM> xer:<NUM> ctr:<HEX>']) expect(isDumpField(t)).toBe(true);
    // An event with a value, a named non-number, a value mid-line, a separator inside a ':'/'=' label, no value.
    for (const t of ['Power deactivated: <ID>', 'rts: kernel terminated for reason <NUM>', 'Request failed: error=<HEX>', 'CE sym <NUM>, at <HEX>, mask <HEX>', 'data TLB error interrupt', 'Ido chip status changed: <MAC> ip=<IP> v=<NUM>', 'Kernel panic - not syncing:', 'Unexpected Exception:', 'uid=<NUM> auth failed=<NUM>', 'count: <NUM> lines', 'Established session <HEX> with negotiated timeout <NUM> for client <ID>:<NUM>', 'connected to <IP>:<NUM>', 'Failed to revalidate client: <HEX>', 'connection refused: <NUM>', 'kernel panic: <HEX>', '']) expect(isDumpField(t)).toBe(false);
    // Bounded: a long line is never a field.
    expect(isDumpField(`${'x'.repeat(200)}: <NUM>`)).toBe(false);
  });

  it('reads the same words as the regular expressions, on any text and on the committed Loghub samples', () => {
    const unit = fc.constantFrom('a', 'Z', 'q', '_', "'", '-', '.', ':', '/', '%', '@', '\\', '0', '7', '<', '>', '*', 'é', '😀', ' ', '\t', '\n', '\u00a0', '\u2003', '\ufeff', '=', ',', '(', 'NUM');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 200 }), (t) => {
        expect(wordsOf(t)).toEqual(wordsByRegex(t));
      }),
      { numRuns: 5000 },
    );
    const dir = new URL('../../../test/fixtures/logs/loghub-samples/', import.meta.url);
    let lines = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.log') || x.endsWith('.csv')))
      for (const l of readFileSync(new URL(f, dir), 'utf8').split('\n')) {
        lines++;
        expect(wordsOf(l)).toEqual(wordsByRegex(l));
      }
    expect(lines).toBeGreaterThan(150);
    const long = 'word '.repeat(2000) + Array.from({ length: 100 }, (_, i) => `w${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`).join(' ');
    expect(wordsOf(long)).toEqual(wordsByRegex(long));
  });
});
