/**
 * {cluster}, {ingress} and {weight} in gate configuration, so one configuration serves every
 * cluster. The schema turns every string that may hold one into a Template at load time; a checker
 * renders it for the cluster it looks at.
 */

/** The values a Template's placeholders take at one check (declared here so that spec.ts and types.ts do not form a circle). */
export interface PlaceholderValues {
  readonly cluster: string;
  readonly ingress?: string | undefined;
  readonly weight?: number | undefined;
}

/** What a Template may refer to. */
export type Placeholder = 'cluster' | 'ingress' | 'weight';

export class MissingPlaceholderError extends Error {
  constructor(readonly placeholder: string, readonly cluster: string) {
    super(`{${placeholder}} is unknown for cluster ${cluster}`);
    this.name = 'MissingPlaceholderError';
  }
}

const PLACEHOLDER = /\{(cluster|ingress|weight)\}/g;

/**
 * A configured string with {cluster}, {ingress} and {weight} in it. Other braces are left alone: a
 * URL, a PromQL label matcher or a command may legitimately contain them.
 */
export class Template {
  readonly placeholders: ReadonlySet<Placeholder>;

  constructor(readonly source: string) {
    this.placeholders = new Set([...source.matchAll(PLACEHOLDER)].map((m) => m[1] as Placeholder));
  }

  /** The text for `target`; throws MissingPlaceholderError when a placeholder it uses has no value. */
  render(target: PlaceholderValues, encode: (value: string) => string = (v) => v): string {
    return this.source.replace(PLACEHOLDER, (_match, name: Placeholder) => encode(placeholderValue(name, target)));
  }

  /** Shown (in JSON output, a dry run) as the text written in curvectl.yaml. */
  toJSON(): string {
    return this.source;
  }

  toString(): string {
    return this.source;
  }
}

export function placeholderValue(name: Placeholder, target: PlaceholderValues): string {
  const value =
    name === 'cluster' ? target.cluster : name === 'ingress' ? target.ingress : target.weight === undefined ? undefined : String(target.weight);
  if (value === undefined || value === '') throw new MissingPlaceholderError(name, target.cluster);
  return value;
}

/** `text` with its placeholders filled in for `target`. */
export function substitute(text: string, target: PlaceholderValues): string {
  return new Template(text).render(target);
}

/** A deep copy of `value` with every string substituted (object keys are kept as they are). */
export function substituteAll<T>(value: T, target: PlaceholderValues): T {
  if (typeof value === 'string') return substitute(value, target) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => substituteAll(item, target)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = substituteAll(item, target);
    return out as T;
  }
  return value;
}
