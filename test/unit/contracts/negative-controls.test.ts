/**
 * Negative controls of the port contracts: each runs one contract check against a double that is
 * wrong in just the way the check is there to catch, and expects the check to fail on the assertion
 * meant to catch it (the message is matched, so a bug in the double does not count). A contract
 * whose checks passed these too would prove nothing about the fakes and adapters it runs against.
 */
import { describe, expect, it } from 'vitest';
import type { FlowStats } from '../../../src/core/ports/flow-metrics.js';
import type { Leftover } from '../../../src/core/ports/leftovers.js';
import type { WebhookDelivery, WebhookDeliveryOptions } from '../../../src/core/ports/webhook.js';
import { commandChecks, type CommandWorld } from '../../_helpers/contracts/command.js';
import { flowMetricsChecks, type FlowMetricsSubject } from '../../_helpers/contracts/flow-metrics.js';
import { httpClientChecks, httpProbeChecks, type HttpWorld } from '../../_helpers/contracts/http.js';
import { leftoversChecks, type LeftoversSubject } from '../../_helpers/contracts/leftovers.js';
import { SECRET_TOKEN, webhookChecks, type WebhookWorld } from '../../_helpers/contracts/webhook.js';
import { FakeCommand } from '../../_helpers/fake-command.js';
import { FakeFlowMetrics } from '../../_helpers/fake-flow-metrics.js';
import { FakeHttp, FakeHttpClient } from '../../_helpers/fake-http.js';
import { TaggedLeftovers } from '../../_helpers/fake-leftovers.js';
import { FakeWebhook } from '../../_helpers/fake-webhook.js';
import { ingressOf } from '../../_helpers/fakes.js';

// -----------------------------------------------------------------------------------------------
// CommandPort

function commandWorld(command: FakeCommand, printArgs: (args: readonly string[]) => string): CommandWorld {
  command
    .program('print-args', ([code, ...args]) => ({ exitCode: Number(code), output: printArgs(args) }))
    .program('run-forever', 'forever')
    .program('no-such-program', 'missing');
  return {
    command,
    printArgs: (exitCode, args) => ['print-args', String(exitCode), ...args],
    forever: () => ['run-forever'],
    missing: () => ['no-such-program'],
  };
}

/** What a program gets when argv is joined into a shell line: words split, quotes and $(...) gone. */
const throughAShell = (args: readonly string[]) =>
  args
    .join(' ')
    .replace(/\$\([^)]*\)/g, 'pwned')
    .replace(/['"]/g, '')
    .split(/\s+/)
    .join('\n');

describe('CommandPort contract: negative controls', () => {
  it('a port that goes through a shell fails "passes every argument literally"', async () => {
    await expect(commandChecks.literalArgv.check(commandWorld(new FakeCommand(), throughAShell))).rejects.toThrow(/to deeply equal/);
    // The control itself: the same world, argv handed on as it is, passes.
    await commandChecks.literalArgv.check(commandWorld(new FakeCommand(), (args) => args.join('\n')));
  });

  it('a port that resolves on an aborted signal fails the abort check', async () => {
    class IgnoresAbort extends FakeCommand {
      override run(argv: readonly string[], options: { timeoutMs: number }) {
        return super.run(argv, { timeoutMs: options.timeoutMs });
      }
    }
    await expect(commandChecks.aborted.check(commandWorld(new IgnoresAbort(), (args) => args.join('\n')))).rejects.toThrow(/instead of rejecting/);
  });

  it('a port that runs an empty argv fails "rejects only when the command cannot start"', async () => {
    class RunsNothing extends FakeCommand {
      override async run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }) {
        return argv.length === 0 ? { exitCode: 0, output: '' } : super.run(argv, options);
      }
    }
    await expect(commandChecks.cannotStart.check(commandWorld(new RunsNothing(), (args) => args.join('\n')))).rejects.toThrow(/expected a rejection, but it resolved/);
  });
});

// -----------------------------------------------------------------------------------------------
// HttpProbePort, HttpClientPort

function httpWorld<P extends FakeHttp | FakeHttpClient>(port: P): HttpWorld<P> {
  let n = 0;
  const origin = () => `http://server-${++n}.fake.test`;
  const serve = (answer: Parameters<P['serve']>[1], path = '/') => {
    const url = `${origin()}${path}`;
    port.serve(url, answer);
    return Promise.resolve(url);
  };
  return {
    port,
    answering: (status, body = '', path = '/') => serve({ status, body }, path),
    unreachable: (path = '/') => serve('refused', path),
    hanging: () => serve('hang'),
    arrived: (url) => port.arrived(url),
    received: () => [],
  };
}

describe('HTTP port contracts: negative controls', () => {
  it('a probe that follows redirects fails "resolves with any status"', async () => {
    class FollowsRedirects extends FakeHttp {
      override async probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }) {
        const { status } = await super.probe(url, options);
        return { status: status >= 300 && status < 400 ? 200 : status };
      }
    }
    await expect(httpProbeChecks.anyStatus.check(httpWorld(new FollowsRedirects()))).rejects.toThrow(/to deeply equal \{ status: 301 \}/);
  });

  it('a probe whose network error is a plain Error (as inline stubs throw) fails the network-error check', async () => {
    class PlainErrors extends FakeHttp {
      override async probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }) {
        return super.probe(url, options).catch(() => {
          throw new Error(`connect ECONNREFUSED ${url}`);
        });
      }
    }
    await expect(httpProbeChecks.networkError.check(httpWorld(new PlainErrors()))).rejects.toThrow(/to be an instance of CurvectlError/);
  });

  it('a client that reads a huge body whole fails "cuts a huge body"', async () => {
    class ReadsWhole extends FakeHttpClient {
      override async request() {
        return { status: 200, body: 'x'.repeat(3 * 1024 * 1024) };
      }
    }
    await expect(httpClientChecks.bounded.check(httpWorld(new ReadsWhole()))).rejects.toThrow(/to be less than/);
  });
});

// -----------------------------------------------------------------------------------------------
// WebhookPort

function webhookWorld(webhooks: FakeWebhook): WebhookWorld {
  let n = 0;
  const url = () => `https://hooks.fake.test/services/${SECRET_TOKEN}/${++n}`;
  return {
    webhooks,
    receiver: async (answers) => {
      const u = url();
      webhooks.answer(u, answers);
      return u;
    },
    unreachable: async () => {
      const u = url();
      webhooks.answer(u, ['refused']);
      return u;
    },
    arrived: (count) => webhooks.arrived(count),
    received: () => webhooks.posts.map((p) => ({ body: JSON.stringify(p.body), contentType: 'application/json' })),
  };
}

describe('WebhookPort contract: negative controls', () => {
  it('a sender that retries a 4xx fails "never retries another answer"', async () => {
    // Every final answer turned into a 503: retried like one.
    class RetriesEverything extends FakeWebhook {
      override answer(url: string, answers: readonly (number | 'drop' | 'refused' | 'hang')[]) {
        return super.answer(url, answers.map((a) => (typeof a === 'number' && a >= 300 && a < 500 && a !== 429 ? 503 : a)));
      }
    }
    await expect(webhookChecks.finalAnswers.check(webhookWorld(new RetriesEverything()))).rejects.toThrow(/to have a length of 3 but got 12/);
  });

  it('a sender whose error names the URL fails "gives up ... never showing the URL"', async () => {
    class ShowsUrl extends FakeWebhook {
      override async post(url: string, body: unknown, options: WebhookDeliveryOptions): Promise<WebhookDelivery> {
        return super.post(url, body, options).catch((err: Error) => {
          throw Object.assign(err, { message: `${err.message} from ${url}` });
        });
      }
    }
    await expect(webhookChecks.givesUp.check(webhookWorld(new ShowsUrl()))).rejects.toThrow(/not to contain/);
  });

  it('a sender with a budget per attempt, not per delivery, fails the budget check', async () => {
    // Waits between attempts not counted: with a thousand retries allowed it makes them all.
    class BudgetPerAttempt extends FakeWebhook {
      override async post(url: string, body: unknown, options: WebhookDeliveryOptions): Promise<WebhookDelivery> {
        let last: unknown;
        for (let attempt = 0; attempt <= options.retries; attempt += 1) {
          try {
            return await super.post(url, body, { ...options, retries: 0 });
          } catch (err) {
            last = err;
          }
        }
        throw last;
      }
    }
    await expect(webhookChecks.budget.check(webhookWorld(new BudgetPerAttempt()))).rejects.toThrow(/to have a length of 1 but got 6/);
  });
});

// -----------------------------------------------------------------------------------------------
// FlowMetricsPort

function flowSubject(flows: FakeFlowMetrics): FlowMetricsSubject {
  return {
    name: 'broken',
    networkArns: true,
    async withLoadBalancers(lbs) {
      const loadBalancers = lbs.map(({ name, points }) => {
        const dimension = flows.addNlb(name, ingressOf(name));
        for (const point of points) flows.publish(dimension, point);
        return { name, dnsName: ingressOf(name), dimension };
      });
      return { flows, loadBalancers };
    },
  };
}

describe('FlowMetricsPort contract: negative controls', () => {
  it('a port that reports no data as zero traffic fails the no-data check', async () => {
    class NoDataIsZero extends FakeFlowMetrics {
      override async flowStats(dimensions: readonly string[], window: { start: Date; end: Date }) {
        const out = await super.flowStats(dimensions, window);
        const zero = { value: 0, datapoints: 1 };
        return new Map<string, FlowStats>([...out].map(([d, s]) => [d, s.newFlows.datapoints === 0 ? { newFlows: zero, activeFlows: zero, processedBytes: zero } : s]));
      }
    }
    await expect(flowMetricsChecks.noData.check(flowSubject(new NoDataIsZero()))).rejects.toThrow(/to deeply equal/);
  });

  it('a port that leaves out a dimension without data fails the no-data check', async () => {
    class DropsSilent extends FakeFlowMetrics {
      override async flowStats(dimensions: readonly string[], window: { start: Date; end: Date }) {
        const out = await super.flowStats(dimensions, window);
        return new Map([...out].filter(([, s]) => s.newFlows.datapoints > 0));
      }
    }
    await expect(flowMetricsChecks.noData.check(flowSubject(new DropsSilent()))).rejects.toThrow(/to deeply equal/);
  });

  it('a port that ignores its signal (as FakeFlowMetrics did) fails the abort check', async () => {
    class IgnoresAbort extends FakeFlowMetrics {
      override listLoadBalancers() {
        return super.listLoadBalancers();
      }
      override flowStats(dimensions: readonly string[], window: { start: Date; end: Date }) {
        return super.flowStats(dimensions, window);
      }
    }
    await expect(flowMetricsChecks.aborted.check(flowSubject(new IgnoresAbort()))).rejects.toThrow(/instead of rejecting/);
  });
});

// -----------------------------------------------------------------------------------------------
// LeftoversPort

function leftoversSubject(make: (resources: ConstructorParameters<typeof TaggedLeftovers>[0]) => TaggedLeftovers): LeftoversSubject {
  return {
    name: 'broken',
    async withResources(seed) {
      const ids = Object.fromEntries(seed.map((r, i) => [r.key, r.kind === 'load-balancer' || r.kind === 'target-group' ? `arn:aws:elasticloadbalancing:eu-west-1:1:${r.kind}/${r.name}/${i}` : `${r.kind}-${i}`]));
      const port = make(
        seed.map((r) => ({
          kind: r.kind,
          id: ids[r.key]!,
          ...(r.name && (r.kind === 'load-balancer' || r.kind === 'target-group') ? { name: r.name } : {}),
          tags: { ...r.tags, ...(r.name && r.kind !== 'load-balancer' && r.kind !== 'target-group' ? { Name: r.name } : {}) },
          ...(r.forwardedBy ? { forwardedBy: ids[r.forwardedBy]! } : {}),
          ...(r.securityGroup ? { securityGroup: ids[r.securityGroup]! } : {}),
          ...(r.attached ? { attached: true } : {}),
        })),
      );
      return { leftovers: port, ids, exists: async (_kind, id) => port.resources.has(id) };
    },
  };
}

describe('LeftoversPort contract: negative controls', () => {
  it('a port that does not leave out what curvectl or EKS manage fails the exclusion check', async () => {
    class KeepsManaged extends TaggedLeftovers {
      override async find(cluster: string): Promise<readonly Leftover[]> {
        // Strip the managed-elsewhere tags before looking: everything tagged for the cluster is found.
        const saved = new Map(this.resources);
        for (const [id, r] of saved) {
          const tags = Object.fromEntries(Object.entries(r.tags).filter(([k]) => k !== 'curvectl/cluster' && k !== 'aws:eks:cluster-name'));
          this.resources.set(id, { ...r, tags });
        }
        try {
          return await super.find(cluster);
        } finally {
          for (const [id, r] of saved) this.resources.set(id, r);
        }
      }
    }
    await expect(leftoversChecks.excludes.check(leftoversSubject((r) => new KeepsManaged(r)))).rejects.toThrow(/to deeply equal/);
  });

  it('a port that deletes target groups before their load balancers fails the delete check', async () => {
    class WrongOrder extends TaggedLeftovers {
      override async delete(leftovers: readonly Leftover[]): Promise<void> {
        const tgsFirst = [...leftovers].sort((a, b) => Number(b.kind === 'target-group') - Number(a.kind === 'target-group'));
        for (const l of tgsFirst) await super.delete([l]);
      }
    }
    await expect(leftoversChecks.deletes.check(leftoversSubject((r) => new WrongOrder(r)))).rejects.toThrow(/ResourceInUse/);
  });
});
