/**
 * @module core/json
 * Untrusted text read as one JSON object: a record from a topic, a document from a shipper.
 * @example
 * const r = parseJsonObject(text); // undefined for invalid JSON, arrays, strings, numbers, null
 */

/** `text` parsed, when it is a JSON object; undefined for anything else (never throws). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
