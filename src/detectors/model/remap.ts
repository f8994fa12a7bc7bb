/**
 * @module detectors/model/remap
 * A published model was trained elsewhere (`anomalog models train`), whose template miner numbered
 * the templates in its own order; a worker's miner numbers them in the order its stream showed
 * them. Template ids are therefore translated by template text, per closed window (a window holds
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

/** The text → id map of a model's templates (built once per published model). */
export function modelTexts(templates: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, text] of Object.entries(templates)) if (text !== '' && !out.has(text)) out.set(text, Number(id));
  return out;
}

export class TemplateRemap {
  private readonly cache = new Map<number, { text: string; id: number }>();
  /** Windows translated, and local templates of them whose text the model knew / did not know. */
  readonly counts = { windows: 0, known: 0, unknown: 0 };

  constructor(private readonly texts: ReadonlyMap<string, number>) {}

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
    const known = text === '' ? undefined : this.texts.get(text);
    if (known !== undefined) this.counts.known++;
    else this.counts.unknown++;
    const id = known ?? UNKNOWN_BASE - Math.abs(local);
    // Bounded: a source's miner caps its templates, and this cap holds whatever it does.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(local, { text, id });
    return id;
  }
}
