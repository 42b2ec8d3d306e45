import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import {
  bucketName,
  clusterName,
  clusterPatterns,
  count,
  dnsName,
  duration,
  interval,
  kubernetesVersion,
  schedule,
  tableName,
  takesExistingCluster,
  ttlSeconds,
  wholeNumber,
} from '../../../src/cli/option-values.js';

/** The BAD_INPUT sentence a parser throws, or the value it returns. */
function outcome<T>(parse: () => T): T | string {
  try {
    return parse();
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    expect((err as CurvectlError).code).toBe('BAD_INPUT');
    return (err as CurvectlError).message;
  }
}

describe('the value parsers of the command tree', () => {
  it('type what is valid', () => {
    expect(duration('--bake')('1m30s')).toBe(90_000);
    expect(interval('--interval', 'status --watch')('2s')).toBe(2000);
    expect(wholeNumber('--step', 1, 100, 'percentage points')(' 10 ')).toBe(10);
    expect(count('--limit', 'events')('3')).toBe(3);
    expect(schedule('--steps')('1,5,25,100')).toEqual([1, 5, 25, 100]);
    expect(kubernetesVersion('--kubernetes-version')('1.35')).toBe('1.35');
    expect(clusterName('--to cluster name', { existing: true })('cluster-b')).toBe('cluster-b');
    expect(dnsName('zone name', 'example.com')('Example.COM.')).toBe('example.com');
    expect(ttlSeconds('0')).toBe(0);
    expect(bucketName('my-team-tf-state')).toBe('my-team-tf-state');
    expect(tableName('curvectl')).toBe('curvectl');
    expect(clusterPatterns('cluster-*', clusterPatterns('cluster-a', undefined))).toEqual(['cluster-a', 'cluster-*']);
  });

  it('refuse what is not, in one sentence naming the flag', () => {
    expect(outcome(() => duration('--bake')('5'))).toMatch(/^"5" is not a valid --bake: /);
    expect(outcome(() => interval('--interval', 'status --watch')('0s'))).toBe('The --interval of status --watch must be longer than 0s.');
    expect(outcome(() => wholeNumber('--until', 0, 100, 'percent')('200'))).toBe('"200" is not a valid --until: use a whole number of percent from 0 to 100.');
    expect(outcome(() => wholeNumber('--step', 1, 100, 'percentage points')('-5'))).toMatch(/^"-5" is not a valid --step/);
    expect(outcome(() => count('--limit', 'events')('0'))).toBe('"0" is not a valid --limit: use a whole number of events, 1 or more.');
    expect(outcome(() => schedule('--steps')('1,x'))).toMatch(/^"1,x" is not a valid --steps/);
    expect(outcome(() => kubernetesVersion('--kubernetes-version')('1.3x'))).toMatch(/^"1\.3x" is not a valid --kubernetes-version/);
    expect(outcome(() => clusterName('--from cluster name', { existing: true })('Bad_Name'))).toMatch(/^"Bad_Name" is not a valid --from cluster name/);
    expect(outcome(() => dnsName('record name', 'api.example.com')('bad name!'))).toMatch(/^"bad name!" is not a valid record name/);
    expect(outcome(() => ttlSeconds('86401'))).toMatch(/^"86401" is not a valid TTL/);
    expect(outcome(() => bucketName('192.168.1.1'))).toMatch(/is not a valid S3 bucket name/);
    expect(outcome(() => tableName('ab'))).toMatch(/is not a valid DynamoDB table name/);
    expect(outcome(() => clusterPatterns('Bad*x', undefined))).toMatch(/is not a valid cluster name/);
  });

  it('mark only the parsers of existing cluster names for completion', () => {
    expect(takesExistingCluster(clusterName('cluster name', { existing: true }))).toBe(true);
    expect(takesExistingCluster(clusterName('cluster name', { existing: false }))).toBe(false);
    expect(takesExistingCluster(duration('--drain'))).toBe(false);
    expect(takesExistingCluster(undefined)).toBe(false);
  });
});
