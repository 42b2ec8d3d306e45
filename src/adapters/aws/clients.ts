/**
 * The AWS ports the core uses (Route 53, EKS, ELBv2, CloudWatch, EC2 for leftovers), each on a client from the one
 * client factory (client-factory.ts: region, credentials, adaptive retries, user agent), loaded
 * on the first call that needs it.
 */
import type { CloudWatchPort, EksPort, Elbv2Port, TrafficDns } from '../../core/ports.js';
import type { FlowMetricsPort } from '../../core/ports/flow-metrics.js';
import type { LeftoversPort } from '../../core/ports/leftovers.js';
import { sdkLoader, type AwsClientSettings } from './client-factory.js';
import { CloudWatchAdapter } from './cloudwatch.js';
import { EksAdapter } from './eks.js';
import { Elbv2Adapter } from './elbv2.js';
import { FlowMetricsAdapter } from './flow-metrics.js';
import { LeftoversAdapter } from './leftovers.js';
import { Route53TrafficDns } from './route53.js';

export interface AwsPortsOptions extends AwsClientSettings {
  readonly dns: { readonly zone: string; readonly record: string };
  /** For waitInSync; default an abortable setTimeout. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface AwsPorts {
  readonly dns: TrafficDns;
  readonly eks: EksPort;
  readonly elbv2: Elbv2Port;
  readonly cloudwatch: CloudWatchPort;
  /** Load balancers and their AWS/NetworkELB flow metrics (observed share, flow-verified drain). */
  readonly flows: FlowMetricsPort;
  /** What is tagged for a cluster outside its Terraform stack (retire checks it). */
  readonly leftovers: LeftoversPort;
}

export function createAwsPorts(options: AwsPortsOptions): AwsPorts {
  const settings: AwsClientSettings = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  };
  // Route 53 is a global service: any region signs for it, so a missing region must not stop it.
  const route53Region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

  const route53 = sdkLoader(() => import('@aws-sdk/client-route-53'), (sdk, c) => new sdk.Route53Client(c), { ...settings, region: route53Region });
  const eks = sdkLoader(() => import('@aws-sdk/client-eks'), (sdk, c) => new sdk.EKSClient(c), settings);
  const elbv2 = sdkLoader(() => import('@aws-sdk/client-elastic-load-balancing-v2'), (sdk, c) => new sdk.ElasticLoadBalancingV2Client(c), settings);
  const ec2 = sdkLoader(() => import('@aws-sdk/client-ec2'), (sdk, c) => new sdk.EC2Client(c), settings);
  const cloudwatch = sdkLoader(() => import('@aws-sdk/client-cloudwatch'), (sdk, c) => new sdk.CloudWatchClient(c), settings);

  return {
    dns: new Route53TrafficDns(route53, options.dns, options.sleep ? { sleep: options.sleep } : {}),
    eks: new EksAdapter(eks),
    elbv2: new Elbv2Adapter(elbv2),
    cloudwatch: new CloudWatchAdapter(cloudwatch),
    flows: new FlowMetricsAdapter(elbv2, cloudwatch),
    leftovers: new LeftoversAdapter(ec2, elbv2),
  };
}
