/**
 * The value parsers of the command tree (src/cli/program.ts): each turns one flag's or argument's
 * text into its typed value, or throws the project's one-sentence BAD_INPUT error naming the flag.
 * Commander calls them while it parses (`.option(flags, description, parser)`), so every command
 * receives its options already typed and checked, and the types are inferred from the tree itself.
 * A parser throws a CurvectlError rather than commander's InvalidArgumentError on purpose:
 * commander rethrows other errors untouched, while it would wrap its own in a second sentence.
 *
 * What depends on curvectl.yaml (defaults such as the bake, the drain, the step) or on two flags at
 * once (--step with --steps) stays in the command: the tree knows neither.
 */
import { parseDuration } from '../core/duration.js';
import { badInput } from '../core/errors.js';
import { assertClusterName, isValidDnsName, normaliseDnsName, printable } from '../core/names.js';
import { parseSchedule } from '../core/weights.js';

export type Parser<T> = (text: string) => T;

/** A duration such as 30s, 5m or 1h30m, in milliseconds. */
export function duration(flag: string): Parser<number> {
  return (text) => parseDuration(text, flag);
}

/** A duration longer than 0s, for a polling interval. */
export function interval(flag: string, of: string): Parser<number> {
  return (text) => {
    const ms = parseDuration(text, flag);
    if (ms <= 0) throw badInput(`The ${flag} of ${of} must be longer than 0s.`, `For example: ${flag} 5s.`);
    return ms;
  };
}

/** A whole number within [min, max], or one clear sentence about the flag. */
export function wholeNumber(flag: string, min: number, max: number, meaning: string): Parser<number> {
  return (value) => {
    const text = value.trim();
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw badInput(`"${printable(text)}" is not a valid ${flag}: use a whole number of ${meaning} from ${min} to ${max}.`);
    }
    return Number(text);
  };
}

/** A count with no upper bound: 1 or more. */
export function count(flag: string, meaning: string): Parser<number> {
  return (value) => {
    const text = value.trim();
    if (!/^\d+$/.test(text) || Number(text) < 1) throw badInput(`"${printable(text)}" is not a valid ${flag}: use a whole number of ${meaning}, 1 or more.`);
    return Number(text);
  };
}

/** A step schedule: the comma-separated percentages the target reaches (checked against --until by the core). */
export function schedule(flag: string): Parser<number[]> {
  return (text) => parseSchedule(text, flag);
}

/** An EKS minor version (1.35): the form EKS accepts for a cluster's version. */
export function kubernetesVersion(flag: string): Parser<string> {
  return (text) => {
    if (!/^1\.\d{2}$/.test(text)) throw badInput(`"${printable(text)}" is not a valid ${flag}: use an EKS minor version like 1.35.`);
    return text;
  };
}

/**
 * A cluster name, checked against the one rule (core/names.ts). `existing` marks a value that names
 * a cluster curvectl already knows, which shell completion offers from local files
 * (src/cli/completion.ts reads the mark from the tree, so no list of such flags is kept elsewhere).
 */
export interface ClusterNameParser extends Parser<string> {
  readonly completes?: 'cluster';
}

export function clusterName(what: string, options: { existing: boolean }): ClusterNameParser {
  const parse: Parser<string> = (text) => assertClusterName(text, what);
  return options.existing ? Object.assign(parse, { completes: 'cluster' as const }) : parse;
}

/** Whether a parser from the tree takes the name of an existing cluster (for completion). */
export function takesExistingCluster(parser: unknown): boolean {
  return typeof parser === 'function' && (parser as ClusterNameParser).completes === 'cluster';
}

/** A DNS name (zone or record), lower-cased and without its trailing dot, the way Route 53 compares names. */
export function dnsName(what: string, example: string): Parser<string> {
  return (text) => {
    if (!isValidDnsName(text)) throw badInput(`"${printable(text)}" is not a valid ${what}: use a DNS name like ${example}.`);
    return normaliseDnsName(text);
  };
}

/** A record TTL in whole seconds, 0 to 86400 (Route 53's range for weighted records we write). */
export function ttlSeconds(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 86400) throw badInput(`"${printable(text)}" is not a valid TTL: use whole seconds from 0 to 86400 (60 or less is advised).`);
  return Number(text);
}

/** S3's rules for new buckets: 3-63 lowercase letters, digits, dots and hyphens, no "..", not an IP address. */
export function bucketName(text: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(text) || text.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    throw badInput(`"${printable(text)}" is not a valid S3 bucket name: use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.`);
  }
  return text;
}

/** DynamoDB's table-name rule: 3-255 letters, digits, underscores, dots and hyphens. */
export function tableName(text: string): string {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(text)) {
    throw badInput(`"${printable(text)}" is not a valid DynamoDB table name: use 3-255 letters, digits, underscores, dots and hyphens.`);
  }
  return text;
}

/**
 * `--cluster <name...>` of iam-policy: each value a cluster name, or a prefix ending in * that
 * allows future clusters named alike (cluster-*), for roles that outlive a cycle. Commander hands a
 * variadic option's parser the values so far: it collects them.
 */
export function clusterPatterns(text: string, previous: string[] | undefined): string[] {
  if (!text.endsWith('*')) assertClusterName(text);
  return [...(previous ?? []), text];
}
