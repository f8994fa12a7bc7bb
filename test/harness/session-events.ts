/**
 * @module test/harness/session-events
 * Events of keyed sessions (`<template text with x> req=<key>`) for the session-aware detector tests
 * (sequence, invariants): template ids map to texts, the key sits in the message.
 */
import type { LogEvent } from '../../src/core/event.js';

export type SessionEvent = (ts: number, templateId: number, key: string, source?: string, level?: string) => LogEvent;

/** An event maker over `texts` (template id → text with one `<*>`); `levelOf` gives the default level per template. */
export function sessionEvents(texts: Record<number, string>, levelOf: (templateId: number) => string = () => 'info'): SessionEvent {
  return (ts, templateId, key, source = 'app', level = levelOf(templateId)) => ({
    ts,
    source,
    message: `${texts[templateId] ?? `t${templateId}`} req=${key}`.replace('<*>', 'x'),
    raw: `${ts} ${texts[templateId] ?? templateId} req=${key}`,
    templateId,
    template: texts[templateId] ?? `t${templateId}`,
    params: [],
    level,
  });
}
