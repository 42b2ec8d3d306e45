/**
 * The one helper for handing on an options object whose values may be missing. A key set to
 * undefined is not the same as an absent key: spreading `{ signal: undefined }` over defaults
 * replaces a default, `'signal' in options` is true, and some libraries read a present key as "set".
 * So an option that is not there is left out, never passed as undefined.
 */

/** `T` with the keys that may be undefined made optional and never undefined. */
export type DefinedOnly<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** A copy of `values` without its undefined values: `definedOnly({ signal, region })`. */
export function definedOnly<T extends object>(values: T): DefinedOnly<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out as DefinedOnly<T>;
}
