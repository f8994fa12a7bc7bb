/**
 * @module feedback/presence
 * What a verdict on a message type is a verdict on, by the detector that reported it.
 * @example
 * judgedAs('model'); // 'presence': a dismissed model window about X judges novelty's report of X too
 */

/**
 * What a verdict on a message type is a verdict on. Novelty ("X is new"), a model window ("X where
 * the model expected almost none") and sequence ("X after what came before") all say that X's
 * *presence* is unexpected: a person who answers one of them has said whether X appearing is a
 * problem, so the answer speaks for the others too. A rate spike says X's *volume* is unexpected —
 * a flood of a message that is fine to see once can still be a problem — so rate keeps its own.
 */
export function judgedAs(detector: string): string {
  return detector === 'novelty' || detector === 'model' || detector === 'sequence' || detector === 'watch' ? 'presence' : detector;
}
