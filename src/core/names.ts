import { badInput } from './errors.js';

/**
 * The cluster-name rule, shared with the Terraform stacks (variable validation in
 * terraform/modules/*): 2-24 characters, lowercase letters, digits and hyphens, starting with a
 * letter and not ending with a hyphen. Why so strict: the name becomes an EKS cluster name, a
 * Terraform workspace, a Route 53 set identifier and a prefix of load balancer and target group
 * names, which AWS caps at 32 characters ("<name>-ingress" must fit).
 */
export const CLUSTER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;

export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}

export function assertClusterName(name: string, what = 'cluster name'): string {
  if (!isValidClusterName(name)) {
    throw badInput(
      `"${printable(name)}" is not a valid ${what}: use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.`,
      'For example: cluster-b or prod-2026-11.',
    );
  }
  return name;
}

/** A DNS name: labels of letters, digits and hyphens, 1-63 characters each, 253 at most in all; a trailing dot is allowed. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
export function isValidDnsName(name: string): boolean {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed.length === 0 || trimmed.length > 253) return false;
  const labels = trimmed.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

/** Lower-cases and drops the trailing dot, the way Route 53 compares names. */
export function normaliseDnsName(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

/** Keeps error messages on one line and free of control characters from hostile input. */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}
