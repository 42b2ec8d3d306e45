import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import { ProcessError, formatCommandLine, runProcess } from '../../../src/adapters/process.js';
import { redact as scrubSecrets } from '../../../src/core/redact.js';

describe('runProcess', () => {
  it('runs argv without a shell and streams lines', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await runProcess('sh', ['-c', 'echo one; echo two >&2; echo "$1"', 'sh', 'a b; $(x)'], {
      onStdoutLine: (l) => out.push(l),
      onStderrLine: (l) => err.push(l),
    });
    expect(result).toEqual({ stdout: 'one\na b; $(x)\n', stderr: 'two\n', exitCode: 0 });
    expect(out).toEqual(['one', 'a b; $(x)']);
    expect(err).toEqual(['two']);
  });

  it('passes env, cwd and input', async () => {
    const result = await runProcess('sh', ['-c', 'echo "$CURVECTL_T"; pwd; cat'], { env: { CURVECTL_T: 'v' }, cwd: '/', input: 'in' });
    expect(result.stdout).toBe('v\n/\nin');
  });

  it('rejects a non-zero exit with a ProcessError carrying exit code and a scrubbed stderr tail', async () => {
    const err = (await runProcess('sh', ['-c', 'echo "key AKIAABCDEFGHIJKLMNOP" >&2; exit 3'], { errorCode: 'TERRAFORM' }).catch(
      (e: unknown) => e,
    )) as ProcessError;
    expect(err).toBeInstanceOf(ProcessError);
    expect(err).toBeInstanceOf(CurvectlError);
    expect(err.code).toBe('TERRAFORM');
    expect(err.processExitCode).toBe(3);
    expect(err.stderrTail).toBe('key [REDACTED]');
    expect(err.message).not.toContain('AKIA');
    expect(err.cause).toBeDefined();
  });

  it('returns non-zero exits with reject: false', async () => {
    await expect(runProcess('sh', ['-c', 'exit 4'], { reject: false })).resolves.toMatchObject({ exitCode: 4 });
  });

  it('says which program is missing from PATH', async () => {
    const err = (await runProcess('curvectl-no-such-binary', []).catch((e: unknown) => e)) as CurvectlError;
    expect(err.code).toBe('ENVIRONMENT');
    expect(err.message).toBe('curvectl-no-such-binary was not found on PATH.');
    expect(err.hint).toBeTruthy();
  });

  it('cancels with SIGINT first (the process may clean up), and reports INTERRUPTED', async () => {
    const controller = new AbortController();
    // Abort once the trap is installed (the script says so), not after a guessed delay.
    const err = (await runProcess('sh', ['-c', 'trap "echo cleaned >&2; exit 7" INT; echo ready; while :; do sleep 0.02; done'], {
      signal: controller.signal,
      onStdoutLine: (line) => line === 'ready' && controller.abort(),
    }).catch((e: unknown) => e)) as ProcessError;
    expect(err.code).toBe('INTERRUPTED');
    expect(err.stderrTail).toBe('cleaned');
    expect(err.processExitCode).toBe(7);
  });

  it('kills with SIGKILL after the grace period when SIGINT is ignored', async () => {
    const controller = new AbortController();
    const err = (await runProcess('sh', ['-c', 'trap "" INT; echo ready; while :; do sleep 0.02; done'], {
      signal: controller.signal,
      graceMs: 200,
      onStdoutLine: (line) => line === 'ready' && controller.abort(),
    }).catch((e: unknown) => e)) as ProcessError;
    expect(err.code).toBe('INTERRUPTED');
    // SIGKILL (not the ignored SIGINT) ended it; no wall-clock limit, which a loaded machine breaks.
    expect(err.signal).toBe('SIGKILL');
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runProcess('true', [], { signal: controller.signal })).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });

  it('times out', async () => {
    const err = (await runProcess('sleep', ['5'], { timeoutMs: 100 }).catch((e: unknown) => e)) as ProcessError;
    expect(err.code).toBe('PROCESS');
    expect(err.timedOut).toBe(true);
    expect(err.message).toMatch(/timed out after 100ms/);
  });
});

describe('scrubSecrets / formatCommandLine', () => {
  it('redacts access keys, secret assignments and bare secret-shaped tokens', () => {
    expect(scrubSecrets('AKIAIOSFODNN7EXAMPLE')).toBe('[REDACTED]');
    expect(scrubSecrets('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('aws_secret_access_key = [REDACTED]');
    expect(scrubSecrets('"SecretAccessKey":"abc"')).toBe('"SecretAccessKey":"[REDACTED]"');
    expect(scrubSecrets('x wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY y')).toBe('x [REDACTED] y');
    // A 40-hex hash is left alone.
    expect(scrubSecrets('commit 0123456789abcdef0123456789abcdef01234567')).toBe('commit 0123456789abcdef0123456789abcdef01234567');
  });

  it('quotes for display', () => {
    expect(formatCommandLine('terraform', ['plan', '-out=a b', "it's"])).toBe(`terraform plan '-out=a b' 'it'\\''s'`);
  });
});
