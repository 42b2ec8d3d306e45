/**
 * Network Load Balancers and their AWS/NetworkELB metrics in the emulator, made straight through the
 * SDK (never through curvectl): what Elastic Load Balancing would have published to CloudWatch, with
 * the names and the dimension AWS uses (LoadBalancer = "net/<name>/<id>", the end of the ARN).
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Emulator } from './emulator.js';

function clientConfig(emulator: Emulator) {
  return {
    endpoint: emulator.endpoint,
    region: emulator.env.AWS_REGION,
    credentials: { accessKeyId: emulator.env.AWS_ACCESS_KEY_ID, secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY },
  };
}

export interface TestNlb {
  readonly name: string;
  readonly arn: string;
  readonly dnsName: string;
  /** The CloudWatch LoadBalancer dimension. */
  readonly dimension: string;
}

/** Creates one network load balancer per name in a fresh VPC (instant through the SDK). */
export async function createNlbs(emulator: Emulator, names: readonly string[]): Promise<TestNlb[]> {
  const ec2 = new EC2Client(clientConfig(emulator));
  const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator));
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
    const vpcId = vpc.Vpc!.VpcId!;
    const region = emulator.env.AWS_REGION;
    const subnets = await Promise.all(
      ['a', 'b'].map((az, i) => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.42.${i}.0/24`, AvailabilityZone: `${region}${az}` }))),
    );
    const out: TestNlb[] = [];
    for (const name of names) {
      const created = await elb.send(
        new CreateLoadBalancerCommand({ Name: name, Type: 'network', Scheme: 'internet-facing', Subnets: subnets.map((s) => s.Subnet!.SubnetId!) }),
      );
      const lb = created.LoadBalancers![0]!;
      const dimension = lb.LoadBalancerArn!.split(':loadbalancer/')[1]!;
      out.push({ name, arn: lb.LoadBalancerArn!, dnsName: lb.DNSName!, dimension });
    }
    return out;
  } finally {
    ec2.destroy();
    elb.destroy();
  }
}

/** One data point of each flow metric for the load balancer, as ELB publishes them (default: now). */
export async function putFlowMetrics(
  emulator: Emulator,
  dimension: string,
  values: { newFlows: number; activeFlows: number; processedBytes: number },
  // A few seconds ago by default, never "now": moto's GetMetricData cuts EndTime to the whole second and
  // counts only points before it, so a point stamped in the same second as the query that follows
  // (a retire started right after) was not seen (CI: "no data in the last 2m", once in four runs).
  // ELB's own metrics reach CloudWatch after the fact anyway.
  at: Date = new Date(Date.now() - 5_000),
): Promise<void> {
  const cw = new CloudWatchClient(clientConfig(emulator));
  try {
    const Dimensions = [{ Name: 'LoadBalancer', Value: dimension }];
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/NetworkELB',
        MetricData: [
          { MetricName: 'NewFlowCount', Dimensions, Timestamp: at, Value: values.newFlows, Unit: 'Count' },
          { MetricName: 'ActiveFlowCount', Dimensions, Timestamp: at, Value: values.activeFlows, Unit: 'Count' },
          { MetricName: 'ProcessedBytes', Dimensions, Timestamp: at, Value: values.processedBytes, Unit: 'Bytes' },
        ],
      }),
    );
  } finally {
    cw.destroy();
  }
}

/** The CloudWatch LoadBalancer dimension of an existing load balancer, from its ARN (as AWS defines it). */
export async function dimensionOf(emulator: Emulator, loadBalancerName: string): Promise<string> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator));
  try {
    const out = await elb.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName] }));
    const arn = out.LoadBalancers?.[0]?.LoadBalancerArn;
    if (!arn) throw new Error(`no load balancer named ${loadBalancerName}`);
    return arn.split(':loadbalancer/')[1]!;
  } finally {
    elb.destroy();
  }
}

/**
 * What ELB publishes for a load balancer nobody uses any more: zero new flows, zero active flows,
 * zero bytes. For the lifecycle suites, whose retires are not about flows but must pass the check
 * on real data (the flow check itself: test/integration/traffic/observed-flows.test.ts).
 */
export async function publishIdle(emulator: Emulator, loadBalancerName: string): Promise<void> {
  await putFlowMetrics(emulator, await dimensionOf(emulator, loadBalancerName), { newFlows: 0, activeFlows: 0, processedBytes: 0 });
}
