import { beforeEach, describe, expect, it, vi } from 'vitest';

type Mod = typeof import('../../../src/cli/node-support.js');
let mod: Mod;
beforeEach(async () => {
  vi.resetModules();
  mod = await import('../../../src/cli/node-support.js');
});

describe('Node.js support notice', () => {
  it('says nothing on the supported lines', () => {
    expect(mod.nodeSupportLine('v22.12.0')).toBeUndefined();
    expect(mod.nodeSupportLine('v24.1.0')).toBeUndefined();
    expect(mod.nodeSupportLine('v26.0.0')).toBeUndefined();
  });

  it('is one line naming the version and the supported lines on an older Node', () => {
    const line = mod.nodeSupportLine('v20.20.2');
    expect(line).toMatch(/^curvectl: warning: Node\.js v20\.20\.2 is not supported \(curvectl supports Node\.js 22 and 24;.*\): upgrade Node\.js\.$/);
    expect(line).not.toContain('\n');
  });

  it('prints once per process and switches the SDK warning off', () => {
    const env: Record<string, string | undefined> = {};
    const out: string[] = [];
    mod.noticeNodeSupport(env, 'v20.20.2', (t) => out.push(t));
    mod.noticeNodeSupport(env, 'v20.20.2', (t) => out.push(t));
    expect(out).toHaveLength(1);
    expect(out[0]!.trimEnd().split('\n')).toHaveLength(1);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
  });

  it('stays silent when the operator already silenced the SDK, and on a supported Node', () => {
    const out: string[] = [];
    mod.noticeNodeSupport({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, 'v20.20.2', (t) => out.push(t));
    expect(out).toEqual([]);
  });

  it('leaves the environment alone on a supported Node', () => {
    const env: Record<string, string | undefined> = {};
    const out: string[] = [];
    mod.noticeNodeSupport(env, 'v24.0.0', (t) => out.push(t));
    expect(out).toEqual([]);
    expect(env).toEqual({});
  });
});
