/**
 * The anomalies list's live arrivals, DOM-free (test/web/list.test.ts runs it in Node). The list
 * keeps at most `max` items; the "fresh" ids (highlighted as new) are only ever ids of items in the
 * list, so the set is bounded by the list, not by how long the page stays open.
 */

export interface HasId {
  id: string;
}

/** Puts `a` first (once), drops what falls beyond `max` — from the list and from `fresh` — and marks `a` fresh. */
export function arrive<T extends HasId>(items: readonly T[], fresh: Set<string>, a: T, max: number): T[] {
  const next = [a, ...items.filter((x) => x.id !== a.id)];
  for (const dropped of next.splice(max)) fresh.delete(dropped.id);
  fresh.add(a.id);
  return next;
}

/** Forgets fresh ids no longer in the list (after it was cut or replaced). */
export function pruneFresh(fresh: Set<string>, items: readonly HasId[]): void {
  if (fresh.size === 0) return;
  const shown = new Set(items.map((x) => x.id));
  for (const id of fresh) if (!shown.has(id)) fresh.delete(id);
}
