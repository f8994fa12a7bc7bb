/**
 * @module detectors/novelty/words
 * The words a message type is made of, for the novelty detector's vocabulary: a never-seen type
 * built only from words the source already used ('data read plb error' after 'data write plb
 * error') is a recombination and weaker news than one that brings words never seen.
 *
 * Words are runs of letters (inner `_ ' -` allowed) of 2–40 characters, lower-cased; placeholders
 * (`<NUM>`, `<*>` …) and value-like tokens — digits, paths, addresses, `%` escapes, dotted names
 * (`idotransportmgr.cpp`) — are not words. At most
 * {@link MAX_WORDS_PER_TEXT} per text. One fixed regular expression, linear in the text.
 * @example
 * wordsOf("Lustre mount FAILED : <ID> : block_id : location"); // ['lustre', 'mount', 'failed', 'block_id', 'location']
 */
import { textClass } from '../shared/common.js';

/** Words taken from one text (a template or the absorbed part of a message). */
export const MAX_WORDS_PER_TEXT = 64;
/** Texts longer than this are read up to it (log lines are hostile). */
export const MAX_TEXT_CHARS = 4096;

const WORD = /[A-Za-z][A-Za-z_'-]*[A-Za-z]/g;
/** Longer runs of letters are not words (an encoded blob, a hostile line). */
const MAX_WORD_CHARS = 40;
/** Digits, path or address separators, `%` (a format or URL escape), or a dot between letters (a file or host name): a value, not words. */
const VALUE_LIKE = /\d|[/\\@%]|[A-Za-z][.:][A-Za-z]/;
/** A placeholder inside a token (`core.<NUM>`, `(unit=<HEX>`): a value, not a word. */
const PLACEHOLDER = /<[^<>\s]{1,24}>/g;

/**
 * A named number and nothing else — `name: <HEX>`, `name=<NUM>` (a label of words, without
 * `: = , ;` or placeholders), or a table row `any label.......<NUM>` (a dotted leader); the label
 * ends in a letter or a bracket (so `<IP>:<NUM>`, an address and port, is not a name and a value):
 * one field of a record printed over many lines (a register or counter dump), whose first line says
 * what happened. It reports state, not an event.
 */
const NAMED_VALUE = /^(?:[^:=,;<>]{0,80}[A-Za-z)\]]\s*[:=]|.{0,80}[A-Za-z)\]]\.{2,})\s*<(?:NUM|HEX)>$/;
/**
 * A label that says something went wrong (`Failed to revalidate client: <HEX>`, `connection
 * refused: <NUM>`) is an event with a value, not a field. The nouns that name counters and registers
 * (`error`, `exception`, `failure`: `tlb error....<NUM>`, `exception syndrome register: <HEX>`) do not
 * count.
 */
const HAPPENED =
  /\b(?:fail(?:s|ed|ing)?|panic(?:ked)?|denied|refused|time[sd]? ?out|unable|cannot|can't|could ?n[o']t|invalid|abort(?:s|ed|ing)?|crash(?:es|ed)?|corrupt(?:ed|ion)?|unreachable|killed|segfault|lost|rejected|out of memory)\b/i;

/**
 * A heading: a label of words and a colon, nothing after it (`general purpose registers:`, `Call
 * Trace:`) — the fields follow. One that reads as an error (`Unexpected Exception:`) announces it: an event.
 */
const HEADING = /^[A-Za-z][A-Za-z ()_-]{0,78}[A-Za-z)]\s*:$/;
/** A value with its name (`max=<NUM>`, `lr:<HEX>`): removed, a line of values only has no word left (`<NUM>, max=<NUM>`). */
const NAMED_PAIR = /[A-Za-z_][\w.-]{0,40}\s?[:=]\s?<[A-Z*]{1,8}>/g;

/**
 * Whether a message type is a line of a dump — a bare named number ({@link NAMED_VALUE}), a heading,
 * or values with their names only — whose words do not say something went wrong ({@link HAPPENED}).
 */
export function isDumpField(template: string): boolean {
  if (template.length > 120) return false;
  const t = template.trim();
  if (HAPPENED.test(t)) return false;
  return NAMED_VALUE.test(t) || (HEADING.test(t) && textClass(t) === 'other') || (t.includes('<') && wordsOf(t.replace(NAMED_PAIR, ' ')).length === 0);
}

/**
 * Distinct words of `text`, in order of first appearance. The same words as reading every token with
 * the regular expressions above (`pushWords`; a property test holds the two together), read with a
 * loop over character codes: this runs for every new message type, and in a flood of them the
 * regular expressions' match objects were a third of the detector's cost. A token with a `<` (a
 * placeholder) still goes through `pushWords`.
 */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  const n = Math.min(text.length, MAX_TEXT_CHARS);
  for (let i = 0; i < n; ) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let angle = false;
    while (i < n && !isSpace(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === 60 /* < */) angle = true;
      i++;
    }
    if (!(angle ? pushWords(text.slice(start, i), out) : pushPlainWords(text, start, i, out))) break;
  }
  return out;
}

/** What `\s` matches (ECMAScript white space and line terminators). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Inside a word: letters and `_ ' -`. */
const isWordChar = (c: number): boolean => isLetter(c) || c === 95 || c === 39 || c === 45;

/** `pushWords` for the token text[s, e) without a `<`: {@link VALUE_LIKE} and {@link WORD} by hand. */
function pushPlainWords(text: string, s: number, e: number, out: string[]): boolean {
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    // A digit, a path, address or escape character, or a dot or colon between letters: a value.
    if ((c >= 48 && c <= 57) || c === 47 || c === 92 || c === 64 || c === 37) return true;
    if ((c === 46 || c === 58) && i > s && i + 1 < e && isLetter(text.charCodeAt(i - 1)) && isLetter(text.charCodeAt(i + 1))) return true;
  }
  for (let i = s; i < e; ) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    // One run of word characters holds one word: its first letter to its last.
    let first = -1;
    let last = -1;
    for (; i < e && isWordChar(text.charCodeAt(i)); i++) {
      if (isLetter(text.charCodeAt(i))) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (last <= first || last - first + 1 > MAX_WORD_CHARS) continue;
    const word = text.slice(first, last + 1).toLowerCase();
    if (!out.includes(word)) out.push(word);
    if (out.length >= MAX_WORDS_PER_TEXT) return false;
  }
  return true;
}

/**
 * The words a message brought into a generalised template: the message's tokens at the positions
 * where `template` holds the `<*>` wildcard (template and message are split on whitespace alike; an
 * unaligned pair yields nothing).
 */
export function absorbedWords(template: string, message: string): string[] {
  if (template.length > MAX_TEXT_CHARS || message.length > MAX_TEXT_CHARS) return [];
  const tt = template.split(/\s+/).filter((x) => x !== '');
  const mt = message.split(/\s+/).filter((x) => x !== '');
  if (tt.length !== mt.length) return [];
  const out: string[] = [];
  for (let i = 0; i < tt.length; i++) {
    if (tt[i].indexOf('<*>') === -1) continue;
    if (!pushWords(mt[i], out)) break;
  }
  return out;
}

/** Adds the words of one token to `out` (no duplicates); false once `out` is full. */
export function pushWords(token: string, out: string[]): boolean {
  const t = token.indexOf('<') === -1 ? token : token.replace(PLACEHOLDER, ' ');
  if (VALUE_LIKE.test(t)) return true;
  for (const w of t.matchAll(WORD)) {
    if (w[0].length > MAX_WORD_CHARS) continue;
    const word = w[0].toLowerCase();
    if (!out.includes(word)) out.push(word);
    if (out.length >= MAX_WORDS_PER_TEXT) return false;
  }
  return true;
}
