import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { MissingPlaceholderError, Template } from '../../../src/core/gates/index.js';

const minimal = 'dns:\n  zone: example.com\n  record: api.example.com\n';

describe('GateSpec built at load', () => {
  it('turns durations into milliseconds once, defaults included', () => {
    const config = parseConfigText(
      `${minimal}gates:\n  - type: http\n    url: http://{ingress}/healthz\n  - type: command\n    argv: [check, "{cluster}"]\n    timeout: 1m30s\n  - type: metric\n    namespace: AWS/NetworkELB\n    errors: { metricName: E }\n    total: { metricName: T }\n    maxRatio: 0.01\n    window: 2m\n`,
      'curvectl.yaml',
    );
    const [http, command, metric] = config.gates;
    expect(http).toMatchObject({ type: 'http', timeoutMs: 5000, expectStatus: 200 });
    expect(command).toMatchObject({ type: 'command', timeoutMs: 90_000 });
    expect(metric).toMatchObject({ type: 'metric', windowMs: 120_000, minTotal: 0 });
    expect(http).not.toHaveProperty('timeout');
    expect(metric).not.toHaveProperty('window');
  });

  it('gives the shift, state and retire durations in milliseconds', () => {
    const config = parseConfigText(
      `${minimal}shift:\n  bake: 1m\n  gateInterval: 250ms\nretire:\n  drain: 3m\nstate:\n  backend: dynamodb\n  table: locks\n  lease: 45s\n`,
      'curvectl.yaml',
    );
    expect(config.shift).toMatchObject({ bakeMs: 60_000, gateIntervalMs: 250 });
    expect(config.retire).toEqual({ drainMs: 180_000 });
    expect(config.state).toEqual({ backend: 'dynamodb', table: 'locks', leaseMs: 45_000 });
  });

  it('makes every string that may hold a placeholder a Template, rendered per cluster', () => {
    const config = parseConfigText(`${minimal}gates:\n  - type: command\n    argv: [check, "{cluster}", "--weight={weight}", "{x}"]\n`, 'curvectl.yaml');
    const gate = config.gates[0];
    if (gate?.type !== 'command') throw new Error('expected a command gate');
    expect(gate.argv.every((a) => a instanceof Template)).toBe(true);
    expect([...gate.argv[1]!.placeholders]).toEqual(['cluster']);
    expect(gate.argv.map((a) => a.render({ cluster: 'blue', weight: 40 }))).toEqual(['check', 'blue', '--weight=40', '{x}']);
    expect(() => gate.argv[2]!.render({ cluster: 'blue' })).toThrow(MissingPlaceholderError);
    // Shown as written in curvectl.yaml (JSON output, dry runs).
    expect(JSON.stringify(gate.argv)).toBe('["check","{cluster}","--weight={weight}","{x}"]');
  });

  it('still names a bad duration inside a gate with its line', () => {
    expect(() => parseConfigText(`${minimal}gates:\n  - type: http\n    url: http://x/\n    timeout: "5"\n`, '/cfg/curvectl.yaml')).toThrow(
      '/cfg/curvectl.yaml: gates[0].timeout: expected a duration like "30s", "5m", "1h" or "0s" (line 7).',
    );
  });
});
