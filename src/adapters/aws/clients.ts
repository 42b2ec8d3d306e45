/**
 * The one AWS client factory. Every SDK client module is loaded with a dynamic import() the first
 * time a port method needs it, so commands that never talk to AWS (and start-up) never load the SDK.
 *
 * Clients use the SDK's standard configuration chain for credentials, region and endpoints (an
 * emulator is reached only through the SDK's own AWS_ENDPOINT_URL handling: nothing here knows
 * about one), standard retries with the adaptive mode (client-side rate limiting, which is what
 * Route 53's per-account throttling calls for), and the user agent curvectl/<version>.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudWatchPort, EksPort, Elbv2Port, TrafficDns } from '../../core/ports.js';
import type { LeftoversPort } from '../../core/ports/leftovers.js';
import { CloudWatchAdapter } from './cloudwatch.js';
import { EksAdapter } from './eks.js';
import { Elbv2Adapter } from './elbv2.js';
import { LeftoversAdapter } from './leftovers.js';
import { Route53TrafficDns } from './route53.js';

export interface AwsPortsOptions {
  /** config.region; default: the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile). */
  readonly region?: string;
  readonly dns: { readonly zone: string; readonly record: string };
  /** Attempts per call including the first; default 5. */
  readonly maxAttempts?: number;
  /** Default "curvectl/<package version>". */
  readonly userAgent?: string;
  /** For waitInSync; default an abortable setTimeout. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface AwsPorts {
  readonly dns: TrafficDns;
  readonly eks: EksPort;
  readonly elbv2: Elbv2Port;
  readonly cloudwatch: CloudWatchPort;
  /** What is tagged for a cluster outside its Terraform stack (retire checks it). */
  readonly leftovers: LeftoversPort;
}

/** Client configuration shared by every client. */
export interface AwsClientConfig {
  region?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  customUserAgent: string;
}

export function createAwsPorts(options: AwsPortsOptions): AwsPorts {
  const config: AwsClientConfig = {
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'adaptive',
    customUserAgent: options.userAgent ?? `curvectl/${packageVersion()}`,
  };
  // Route 53 is a global service: any region signs for it, so a missing region must not stop it.
  const route53Region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

  const route53 = lazy(async () => {
    const sdk = await import('@aws-sdk/client-route-53');
    return { sdk, client: new sdk.Route53Client({ ...config, region: route53Region }) };
  });
  const eks = lazy(async () => {
    const sdk = await import('@aws-sdk/client-eks');
    return { sdk, client: new sdk.EKSClient(config) };
  });
  const elbv2 = lazy(async () => {
    const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
    return { sdk, client: new sdk.ElasticLoadBalancingV2Client(config) };
  });
  const ec2 = lazy(async () => {
    const sdk = await import('@aws-sdk/client-ec2');
    return { sdk, client: new sdk.EC2Client(config) };
  });
  const cloudwatch = lazy(async () => {
    const sdk = await import('@aws-sdk/client-cloudwatch');
    return { sdk, client: new sdk.CloudWatchClient(config) };
  });

  return {
    dns: new Route53TrafficDns(route53, options.dns, options.sleep ? { sleep: options.sleep } : {}),
    eks: new EksAdapter(eks),
    elbv2: new Elbv2Adapter(elbv2),
    cloudwatch: new CloudWatchAdapter(cloudwatch),
    leftovers: new LeftoversAdapter(ec2, elbv2),
  };
}

/** Memoises an async factory; a failed load is retried next time. */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((err: unknown) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}

let cachedVersion: string | undefined;
/** The version in package.json (src/adapters/aws and dist/adapters/aws are both three levels down). */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const file = fileURLToPath(new URL('../../../package.json', import.meta.url));
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      cachedVersion = typeof parsed.version === 'string' ? parsed.version : '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}
