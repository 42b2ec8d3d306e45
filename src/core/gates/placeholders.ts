/**
 * {cluster} and {ingress} in gate configuration. Substituted in every string of a gate (alarm
 * names, metric dimensions, URL, Host header, argv...), so one configuration serves every cluster.
 * Other braces are left alone: a URL or a command may legitimately contain them.
 */
import type { GateTarget } from './types.js';

export class MissingPlaceholderError extends Error {
  constructor(readonly placeholder: string, readonly cluster: string) {
    super(`{${placeholder}} is unknown for cluster ${cluster}`);
    this.name = 'MissingPlaceholderError';
  }
}

const PLACEHOLDER = /\{(cluster|ingress)\}/g;

export function substitute(text: string, target: GateTarget): string {
  return text.replace(PLACEHOLDER, (_match, name: 'cluster' | 'ingress') => {
    const value = name === 'cluster' ? target.cluster : target.ingress;
    if (value === undefined || value === '') throw new MissingPlaceholderError(name, target.cluster);
    return value;
  });
}

/** A deep copy of `value` with every string substituted (object keys are kept as they are). */
export function substituteAll<T>(value: T, target: GateTarget): T {
  if (typeof value === 'string') return substitute(value, target) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => substituteAll(item, target)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = substituteAll(item, target);
    return out as T;
  }
  return value;
}
