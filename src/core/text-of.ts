/**
 * The text of a value read back from JSON whose type nothing vouches for: a journal event's data
 * (written by other versions of curvectl, or edited by hand), an API answer, a thrown non-Error.
 * `String()` would print an object as "[object Object]", which tells the operator nothing.
 */

/** Strings as they are, numbers and booleans as `String` writes them, anything else as JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    // undefined, a function and a symbol have no JSON text: their type says what was there.
    return JSON.stringify(value) ?? typeof value;
  } catch {
    // A cycle, or a BigInt inside: possible for a thrown object, never for parsed JSON.
    return Object.prototype.toString.call(value);
  }
}
