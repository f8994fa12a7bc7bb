/**
 * @module detectors/model/held-models
 * The published models a streaming `model` detector holds (the models topic,
 * `topology/kafka/models.ts`), by scope, and which one is in force for a source. Kept apart from
 * `stream.ts` because it is its own lifecycle — install, withdraw, re-apply to sources seen later or
 * restored — that touches a source only through `SourceModelState.published` (and, on a withdrawal,
 * its training schedule), while the detector owns scoring and the source map.
 *
 * Not in the snapshot: the models topic holds them, and its reader hands them to a restored
 * detector again; sources record the version that scored them.
 */
import type { Logger } from '../../core/component.js';
import type { WindowSpec } from '../../features/count-windows.js';
import { checkCompatible, type ModelScope, type ReceivedModel, refOf } from './published.js';
import { ModelTemplates, TemplateRemap } from './remap.js';
import type { SourceModelState } from './state.js';

/** A published model the detector holds, with its template texts for the remap. */
interface HeldModel {
  received: ReceivedModel;
  templates: ModelTemplates;
}

export class HeldModels {
  private readonly held = new Map<ModelScope, HeldModel>();
  /** Published models installed (`install`) and sources swapped to one (the detector's stats). */
  readonly counts = { installed: 0, swaps: 0 };

  constructor(
    private readonly spec: WindowSpec,
    private readonly logger: Logger,
  ) {}

  /**
   * Holds `received` for its scope (latest wins, whatever the versions: a rollback is publishing the
   * old artifact again) and puts it in force on `sources`. Throws `ANOMALOG_ERR_MODEL_REFUSED` when
   * it was trained on other windows than `spec`. Returns the number of sources swapped.
   */
  install(received: ReceivedModel, sources: Iterable<SourceModelState>): number {
    const p = received.published;
    checkCompatible(p, this.spec);
    const prev = this.held.get(p.scope);
    if (prev?.received.published.digest !== p.digest) this.held.set(p.scope, { received, templates: new ModelTemplates(p.artifact.templates ?? {}) });
    this.counts.installed++;
    let swapped = 0;
    for (const st of sources) if (this.apply(st)) swapped++;
    return swapped;
  }

  /**
   * Withdraws a scope's model: its sources go back to the `default` model if one is held, else to
   * their own model and training (due at the next tick). Returns the number of sources that changed model.
   */
  remove(scope: ModelScope, sources: Iterable<SourceModelState>): number {
    if (!this.held.delete(scope)) return 0;
    let changed = 0;
    for (const st of sources) {
      if (st.published?.ref.scope !== scope) continue;
      st.published = null;
      changed++;
      if (!this.apply(st)) {
        st.nextTrainAt = -Infinity;
        this.logger.info('A published model was withdrawn; the source trains its own again.', { source: st.name, scope });
      }
    }
    return changed;
  }

  /** Puts the held model of the source's scope in force; true when that changed what scores it. */
  apply(st: SourceModelState): boolean {
    const h = this.heldFor(st.name);
    if (h === undefined) return false;
    const p = h.received.published;
    if (st.published?.model && st.published.ref.digest === p.digest && st.published.ref.scope === p.scope) return false;
    const before = st.published?.ref;
    st.published = { ref: refOf(p), model: h.received.model, remap: new TemplateRemap(h.templates) };
    st.flaggedRun = 0;
    this.counts.swaps++;
    this.logger.info('A published model was swapped in.', { source: st.name, scope: p.scope, version: p.modelVersion, digest: p.digest.slice(0, 19), before: before ? `${before.scope} v${before.version}` : st.model ? `own v${st.model.version}` : 'none' });
    return true;
  }

  /** The published model for a source: its own scope first, then `default`. */
  private heldFor(name: string): HeldModel | undefined {
    return this.held.get(`source:${name}`) ?? this.held.get('default');
  }
}
