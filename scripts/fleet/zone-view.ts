/**
 * What the fleet knows of the emulated AWS, polled through the SDK like any other AWS client: the
 * weighted records of the hosted zone (Route 53) and the load balancers (ELBv2). The DNS server
 * answers from it; the load balancer servers live and die by it.
 */
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface AwsTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface WeightedCname {
  readonly setIdentifier: string;
  readonly weight: number;
  readonly ttl: number;
  readonly value: string;
}

export interface LoadBalancer {
  readonly arn: string;
  readonly name: string;
  /** Lower case, without the trailing dot. */
  readonly dnsName: string;
}

export interface ZoneSnapshot {
  /** Lower-case record name without the trailing dot => its weighted CNAMEs. */
  readonly records: ReadonlyMap<string, readonly WeightedCname[]>;
  readonly loadBalancers: readonly LoadBalancer[];
  readonly at: number;
}

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** Route 53 escapes some characters in names it returns (e.g. "\052" for "*"); names here are plain. */
function unescapeName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_m, code: string) => String.fromCharCode(Number.parseInt(code, 8)));
}

export class ZoneView {
  private readonly route53: Route53Client;
  private readonly elb: ElasticLoadBalancingV2Client;
  private zoneId: string | undefined;
  private current: ZoneSnapshot = { records: new Map(), loadBalancers: [], at: 0 };

  constructor(aws: AwsTarget, private readonly zone: string) {
    const config = { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials, maxAttempts: 2 };
    // Route 53 is a global service: its endpoint's region is us-east-1 whatever the workload's region.
    this.route53 = new Route53Client({ ...config, region: 'us-east-1' });
    this.elb = new ElasticLoadBalancingV2Client(config);
  }

  get snapshot(): ZoneSnapshot {
    return this.current;
  }

  /** The zone's name, lower case, without the trailing dot. */
  get zoneName(): string {
    return bare(this.zone);
  }

  /** Reads both services once; a failed read keeps the previous view for that service. */
  async refresh(): Promise<ZoneSnapshot> {
    const [records, loadBalancers] = await Promise.all([this.readRecords().catch(() => this.current.records), this.readLoadBalancers().catch(() => this.current.loadBalancers)]);
    this.current = { records, loadBalancers, at: Date.now() };
    return this.current;
  }

  private async readRecords(): Promise<Map<string, WeightedCname[]>> {
    if (!this.zoneId) {
      const out = await this.route53.send(new ListHostedZonesByNameCommand({ DNSName: this.zone }));
      const zone = out.HostedZones?.find((z) => bare(z.Name ?? '') === bare(this.zone));
      if (!zone?.Id) throw new Error(`no hosted zone ${this.zone}`);
      this.zoneId = zone.Id;
    }
    const all: ResourceRecordSet[] = [];
    let start: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {};
    for (;;) {
      const page = await this.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: this.zoneId, ...start }));
      all.push(...(page.ResourceRecordSets ?? []));
      if (!page.IsTruncated) break;
      start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
    }
    const records = new Map<string, WeightedCname[]>();
    for (const r of all) {
      if (r.Type !== 'CNAME' || !r.SetIdentifier || r.Weight === undefined || !r.Name) continue;
      const value = r.ResourceRecords?.[0]?.Value;
      if (!value) continue;
      const name = bare(unescapeName(r.Name));
      const list = records.get(name) ?? [];
      list.push({ setIdentifier: r.SetIdentifier, weight: r.Weight, ttl: r.TTL ?? 60, value: bare(value) });
      records.set(name, list);
    }
    for (const list of records.values()) list.sort((a, b) => a.setIdentifier.localeCompare(b.setIdentifier));
    return records;
  }

  private async readLoadBalancers(): Promise<LoadBalancer[]> {
    const out: LoadBalancer[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: this.elb }, {})) {
      for (const lb of page.LoadBalancers ?? []) {
        if (lb.Type !== 'network' || !lb.LoadBalancerArn || !lb.DNSName || !lb.LoadBalancerName) continue;
        out.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName, dnsName: bare(lb.DNSName) });
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  destroy(): void {
    this.route53.destroy();
    this.elb.destroy();
  }
}

/** The `LoadBalancer` dimension of AWS/NetworkELB metrics: `net/<name>/<id>`, the ARN after "loadbalancer/". */
export function loadBalancerDimension(arn: string): string {
  const at = arn.indexOf(':loadbalancer/');
  if (at < 0) throw new Error(`not a load balancer ARN: ${arn}`);
  return arn.slice(at + ':loadbalancer/'.length);
}
