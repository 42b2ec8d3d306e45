import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/core/duration.js';
import { CurvectlError, ExitCode, exitCodeFor, toCurvectlError } from '../../../src/core/errors.js';
import { assertClusterName, isValidClusterName, isValidDnsName, normaliseDnsName, printable } from '../../../src/core/names.js';
import { redact, secretsFromEnv } from '../../../src/core/redact.js';

describe('cluster names', () => {
  it.each(['cluster-a', 'ab', 'prod-2026-11', 'a1234567890123456789012b'])('accepts %s', (n) => expect(isValidClusterName(n)).toBe(true));
  it.each(['a', 'A-cluster', '-a', 'a-', 'cluster_a', 'cluster.a', '1cluster', 'a'.repeat(25), '', 'x y', 'a;rm -rf'])(
    'refuses %j',
    (n) => expect(isValidClusterName(n)).toBe(false),
  );
  it('explains the rule in one sentence with exit code 2', () => {
    try {
      assertClusterName('Bad_Name');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CurvectlError);
      expect((err as CurvectlError).exitCode).toBe(2);
      expect((err as CurvectlError).message).toMatch(/^"Bad_Name" is not a valid cluster name: use 2-24 lowercase/);
    }
  });
  it('keeps control characters out of messages', () => {
    expect(printable('a\u001b[31mb\n')).toBe('a?[31mb?');
  });
});

describe('DNS names', () => {
  it('accepts names with and without a trailing dot and normalises them', () => {
    expect(isValidDnsName('api.example.test')).toBe(true);
    expect(isValidDnsName('API.Example.test.')).toBe(true);
    expect(normaliseDnsName('API.Example.test.')).toBe('api.example.test');
  });
  it.each(['localhost', 'bad..name', '-a.example.com', 'a_b.example.com', `${'a'.repeat(64)}.com`, ''])('refuses %j', (n) =>
    expect(isValidDnsName(n)).toBe(false),
  );
});

describe('durations', () => {
  it.each([
    ['0s', 0],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['10', 'abc', '5 m', '-1s', '1d', ''])('refuses %j with exit code 2', (text) => {
    expect(() => parseDuration(text, '--bake')).toThrow(/is not a valid --bake: use a number with a unit/);
    expect(exitCodeFor(catchIt(() => parseDuration(text)))).toBe(2);
  });
  it('formats for countdowns', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(95_000)).toBe('1m35s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(1_500)).toBe('2s');
  });
});

describe('errors', () => {
  it('maps codes to the exit codes of the contract', () => {
    expect(new CurvectlError('GATE_FAILED', 'x').exitCode).toBe(ExitCode.gateFailed);
    expect(new CurvectlError('LOCKED', 'x').exitCode).toBe(4);
    expect(new CurvectlError('STOPPED', 'x').exitCode).toBe(5);
    expect(new CurvectlError('INTERRUPTED', 'x').exitCode).toBe(130);
    expect(new CurvectlError('REFUSED', 'x').exitCode).toBe(2);
  });
  it('wraps foreign errors as INTERNAL with the cause kept', () => {
    const cause = new TypeError('boom');
    const wrapped = toCurvectlError(cause);
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.cause).toBe(cause);
    expect(toCurvectlError(Object.assign(new Error('x'), { name: 'AbortError' })).code).toBe('INTERRUPTED');
  });
});

describe('redact', () => {
  it('removes access keys, secrets and tokens', () => {
    const text = 'key AKIAABCDEFGHIJKLMNOP secret_access_key=abc/def+ghi token: "xyz" X-Amz-Signature=deadbeef&x=1';
    const out = redact(text);
    expect(out).not.toContain('ABCDEFGHIJKLMNOP');
    expect(out).not.toContain('abc/def+ghi');
    expect(out).not.toContain('xyz');
    expect(out).not.toContain('deadbeef');
  });
  it('removes the exact secret values from the environment wherever they appear', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG', AWS_SESSION_TOKEN: undefined };
    expect(redact('failed with wJalrXUtnFEMI/K7MDENG inside', secretsFromEnv(env))).toBe('failed with [REDACTED] inside');
  });
});

function catchIt(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
