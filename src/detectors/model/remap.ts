/**
 * @module detectors/model/remap
 * A published model was trained elsewhere (`anomalog models train`), whose template miner numbered
 * the templates in its own order; a worker's miner numbers them in the order its stream showed
 * them. Template ids are therefore translated by template text (`ModelTemplates`), per closed window (a window holds
 * few distinct templates, and closes once per window length): a local template whose text the
 * model knows takes the model's id, any other one an id the model has never seen (its unknown
 * column, as a template the model never saw). The cache per local id is checked against the text,
 * so a template the local miner generalised later is looked up again.
 */
import { type Closed, OTHER_TEMPLATE } from '../../features/count-windows.js';

/** Ids given to local templates the model does not know: below every real and reserved id. */
const UNKNOWN_BASE = -1_000_000;
/** Local templates remembered per source (looked up again past it). */
const MAX_CACHED = 20_000;

export interface Remapped {
  closed: Closed;
  /** Model id → local id, for the templates of this window (explanations name local ids). */
  back: Map<number, number>;
}

const WILDCARD = '<*>';

/**
 * A model's templates by text (built once per published model). Two miners that saw different
 * lines may not have generalised the same words yet — one says `Failed password for root from <IP>`,
 * the other `Failed password for <*> from <IP>` — so a text not found as such is matched word by
 * word: the same number of words, each equal or covered by a wildcard on either side (`<*>` alone,
 * or inside a word: `rhost=<*>` covers `rhost=<IP>`), and the most words equal wins (at least half of
 * the model template's own words; ties: the lower id). Otherwise masked words (`<IP>`, `<NUM>`) come
 * from the same masker on both sides and must be equal. Plain string comparisons: nothing from a log
 * line becomes a regular expression.
 */
export class ModelTemplates {
  private readonly exact = new Map<string, number>();
  private readonly byLength = new Map<number, { id: number; words: string[]; fixed: number }[]>();

  constructor(templates: Record<string, string>) {
    const entries = Object.entries(templates)
      .map(([id, text]) => [Number(id), text] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [id, text] of entries) {
      if (text === '' || this.exact.has(text)) continue;
      this.exact.set(text, id);
      const words = text.split(' ');
      let fixed = 0;
      for (const w of words) if (w !== WILDCARD) fixed++;
      let list = this.byLength.get(words.length);
      if (list === undefined) this.byLength.set(words.length, (list = []));
      list.push({ id, words, fixed });
    }
  }

  /** The model's id for a local template text, or undefined. */
  find(text: string): number | undefined {
    if (text === '') return undefined;
    const hit = this.exact.get(text);
    if (hit !== undefined) return hit;
    const words = text.split(' ');
    let best: number | undefined;
    let bestEqual = 0;
    for (const c of this.byLength.get(words.length) ?? []) {
      let equal = 0;
      let ok = true;
      for (let i = 0; i < words.length && ok; i++) {
        const a = words[i];
        const b = c.words[i];
        if (a === b) {
          if (a !== WILDCARD) equal++;
        } else if (!covers(a, b) && !covers(b, a)) ok = false;
      }
      if (ok && equal * 2 >= c.fixed && equal > bestEqual) {
        best = c.id;
        bestEqual = equal;
      }
    }
    return best;
  }
}

/** `pattern` holds wildcards (`<*>`) that, read as "any text", make it match `word`. */
function covers(pattern: string, word: string): boolean {
  if (pattern === WILDCARD) return true;
  const parts = pattern.split(WILDCARD);
  if (parts.length === 1) return false;
  const head = parts[0];
  const tail = parts[parts.length - 1];
  if (!word.startsWith(head) || !word.endsWith(tail) || head.length + tail.length > word.length) return false;
  let at = head.length;
  const end = word.length - tail.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const k = word.indexOf(parts[i], at);
    if (k < 0 || k + parts[i].length > end) return false;
    at = k + parts[i].length;
  }
  return true;
}

export class TemplateRemap {
  private readonly cache = new Map<number, { text: string; id: number }>();
  /** Windows translated, and local templates of them whose text the model knew / did not know. */
  readonly counts = { windows: 0, known: 0, unknown: 0 };

  constructor(private readonly templates: ModelTemplates) {}

  translate(c: Closed): Remapped {
    this.counts.windows++;
    const byId = new Map<number, number>();
    const texts = new Map<number, string>();
    const back = new Map<number, number>();
    const { ids, counts } = c.counts;
    for (let i = 0; i < ids.length; i++) {
      const local = ids[i];
      const text = c.texts.get(local) ?? '';
      const id = local === OTHER_TEMPLATE ? OTHER_TEMPLATE : this.lookup(local, text);
      byId.set(id, (byId.get(id) ?? 0) + counts[i]);
      if (!texts.has(id)) texts.set(id, text);
      if (!back.has(id)) back.set(id, local);
    }
    const out = [...byId.keys()].sort((a, b) => a - b);
    return {
      closed: { counts: { ...c.counts, ids: out, counts: out.map((id) => byId.get(id) as number) }, texts, samples: c.samples },
      back,
    };
  }

  private lookup(local: number, text: string): number {
    const hit = this.cache.get(local);
    if (hit !== undefined && hit.text === text) return hit.id;
    const known = this.templates.find(text);
    if (known !== undefined) this.counts.known++;
    else this.counts.unknown++;
    const id = known ?? UNKNOWN_BASE - Math.abs(local);
    // Bounded: a source's miner caps its templates, and this cap holds whatever it does.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(local, { text, id });
    return id;
  }
}
