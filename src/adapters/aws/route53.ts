/**
 * TrafficDns on Route 53: the weighted CNAMEs under the one fixed record name.
 *
 * swapWeights is a compare-and-swap: ONE ChangeResourceRecordSets whose batch, for every record
 * read, DELETEs it exactly as it was read and CREATEs it with the new weight. Route 53 applies a
 * batch all-or-nothing and a DELETE must match the live record exactly, so the batch fails
 * (InvalidChangeBatch) if anyone changed any of the records since they were read.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { setTimeout as delay } from 'node:timers/promises';
import { CurvectlError } from '../../core/errors.js';
import { normaliseDnsName } from '../../core/names.js';
import { formatWeights, isRecordWeight } from '../../core/weights.js';
import type { TrafficDns, WeightedRecord, Weights } from '../../core/ports.js';
import { awsCall, awsErrorName, mapAwsError } from './errors.js';

export type Route53Loader = () => Promise<{ sdk: typeof R53; client: R53.Route53Client }>;

export interface Route53Options {
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default Date.now; for tests of waitInSync's deadline. */
  readonly now?: () => number;
}

const WAIT_FIRST_DELAY_MS = 250;
const WAIT_MAX_DELAY_MS = 5_000;
const WAIT_DEFAULT_TIMEOUT_MS = 5 * 60_000;

export class Route53TrafficDns implements TrafficDns {
  readonly recordName: string;
  readonly zoneName: string;
  private zoneId: Promise<string> | undefined;
  /** The record sets exactly as read, so a DELETE matches them field for field. */
  private readonly raw = new WeakMap<WeightedRecord, R53.ResourceRecordSet>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly load: Route53Loader,
    dns: { readonly zone: string; readonly record: string },
    options: Route53Options = {},
  ) {
    this.zoneName = normaliseDnsName(dns.zone);
    this.recordName = normaliseDnsName(dns.record);
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined));
    this.now = options.now ?? Date.now;
  }

  /** The id ("Z123...") of the hosted zone named like the configured zone; public preferred. Cached. */
  hostedZoneId(signal?: AbortSignal): Promise<string> {
    this.zoneId ??= this.findZone(signal).catch((err: unknown) => {
      this.zoneId = undefined;
      throw err;
    });
    return this.zoneId;
  }

  private async findZone(signal?: AbortSignal): Promise<string> {
    const { sdk, client } = await this.load();
    const matches: R53.HostedZone[] = [];
    let dnsName: string | undefined = this.zoneName;
    let hostedZoneId: string | undefined;
    for (let page = 0; page < 50; page++) {
      const out: R53.ListHostedZonesByNameCommandOutput = await awsCall('route53:ListHostedZonesByName', () =>
        client.send(
          new sdk.ListHostedZonesByNameCommand({ DNSName: dnsName, ...(hostedZoneId ? { HostedZoneId: hostedZoneId } : {}) }),
          { abortSignal: signal },
        ),
      );
      const zones = out.HostedZones ?? [];
      matches.push(...zones.filter((z) => z.Name !== undefined && normaliseDnsName(z.Name) === this.zoneName));
      // Zones come sorted by name from DNSName on: once past our name, there are no more.
      const passed = zones.some((z) => z.Name !== undefined && normaliseDnsName(z.Name) !== this.zoneName);
      if (!out.IsTruncated || passed || !out.NextDNSName || normaliseDnsName(out.NextDNSName) !== this.zoneName) break;
      dnsName = out.NextDNSName;
      hostedZoneId = out.NextHostedZoneId;
    }
    const publicZones = matches.filter((z) => !z.Config?.PrivateZone);
    const candidates = publicZones.length > 0 ? publicZones : matches;
    if (candidates.length === 0) {
      throw new CurvectlError('BAD_CONFIG', `No hosted zone named ${this.zoneName} was found in this AWS account.`, {
        hint: 'Check dns.zone in curvectl.yaml and the AWS account and credentials in use (aws sts get-caller-identity).',
      });
    }
    if (candidates.length > 1) {
      throw new CurvectlError('BAD_CONFIG', `${candidates.length} ${publicZones.length > 0 ? 'public' : 'private'} hosted zones are named ${this.zoneName}; curvectl cannot tell which one to use.`, {
        hint: 'Delete the unused zone, or keep each environment in its own AWS account.',
        details: { zoneIds: candidates.map((z) => stripPrefix(z.Id ?? '')) },
      });
    }
    return stripPrefix(candidates[0]?.Id ?? '');
  }

  async readRecords(signal?: AbortSignal): Promise<WeightedRecord[]> {
    const zoneId = await this.hostedZoneId(signal);
    const { sdk, client } = await this.load();
    const records: WeightedRecord[] = [];
    let start: { name: string; type: R53.RRType; identifier?: string } | undefined = { name: this.recordName, type: 'CNAME' };
    for (let page = 0; start && page < 100; page++) {
      const request: R53.ListResourceRecordSetsCommandInput = {
        HostedZoneId: zoneId,
        StartRecordName: start.name,
        StartRecordType: start.type,
        ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
      };
      const out: R53.ListResourceRecordSetsCommandOutput = await awsCall('route53:ListResourceRecordSets', () =>
        client.send(new sdk.ListResourceRecordSetsCommand(request), { abortSignal: signal }),
      );
      let pastOurName = false;
      for (const set of out.ResourceRecordSets ?? []) {
        if (set.Name === undefined || normaliseDnsName(set.Name) !== this.recordName) {
          pastOurName = true;
          continue;
        }
        if (set.Type !== 'CNAME' || set.SetIdentifier === undefined || set.Weight === undefined) continue;
        const value = set.ResourceRecords?.[0]?.Value ?? set.AliasTarget?.DNSName ?? '';
        const record: WeightedRecord = {
          setIdentifier: set.SetIdentifier,
          weight: set.Weight,
          value: normaliseDnsName(value),
          ttl: set.TTL ?? 0,
          ...(set.HealthCheckId ? { healthCheckId: set.HealthCheckId } : {}),
        };
        this.raw.set(record, set);
        records.push(record);
      }
      const next: R53.ListResourceRecordSetsCommandOutput = out;
      start =
        next.IsTruncated && !pastOurName && next.NextRecordName && normaliseDnsName(next.NextRecordName) === this.recordName
          ? {
              name: next.NextRecordName,
              type: next.NextRecordType ?? 'CNAME',
              ...(next.NextRecordIdentifier ? { identifier: next.NextRecordIdentifier } : {}),
            }
          : undefined;
    }
    return records;
  }

  async swapWeights(expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal): Promise<string> {
    const ids = expected.map((r) => r.setIdentifier);
    const nextIds = Object.keys(next);
    const missing = ids.filter((id) => !(id in next));
    const extra = nextIds.filter((id) => !ids.includes(id));
    if (new Set(ids).size !== ids.length || missing.length > 0 || extra.length > 0 || ids.length === 0) {
      throw new CurvectlError('INTERNAL', 'swapWeights needs the full set of records and one new weight for each.', {
        hint: 'This is a bug in curvectl; report it with the output of curvectl status.',
        details: { expected: ids, next: nextIds, missing, extra },
      });
    }
    for (const id of nextIds) {
      const w = next[id];
      if (!isRecordWeight(w)) {
        throw new CurvectlError('INTERNAL', `swapWeights was given weight ${String(w)} for ${id}; Route 53 weights are integers from 0 to 255.`);
      }
    }
    if (nextIds.every((id) => next[id] === 0)) {
      throw new CurvectlError('INTERNAL', 'swapWeights was asked to set every weight to 0, which Route 53 treats as equal weights.', {
        hint: 'This is a bug in curvectl; report it.',
      });
    }

    const zoneId = await this.hostedZoneId(signal);
    const { sdk, client } = await this.load();
    try {
      const out = await client.send(
        new sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: this.changeBatch(expected, next) }),
        { abortSignal: signal },
      );
      const id = out.ChangeInfo?.Id;
      if (!id) throw new CurvectlError('AWS', 'Route 53 accepted the change but returned no change id.');
      return id;
    } catch (err) {
      if (awsErrorName(err) === 'InvalidChangeBatch') {
        throw new CurvectlError('INCONSISTENT', `Route 53 records changed since they were read; nothing was changed.`, {
          hint: 'Someone or something else changed the weighted records of this name: run curvectl status to see the live weights, then try again.',
          cause: err,
          details: { record: this.recordName },
        });
      }
      throw mapAwsError(err, 'route53:ChangeResourceRecordSets');
    }
  }

  /** The ChangeBatch swapWeights sends: for every record, a DELETE exactly as read and a CREATE at its new weight. */
  private changeBatch(expected: readonly WeightedRecord[], next: Weights): R53.ChangeBatch {
    const changes: R53.Change[] = [];
    for (const record of expected) {
      const current = this.raw.get(record) ?? this.rebuild(record);
      changes.push({ Action: 'DELETE', ResourceRecordSet: current });
      changes.push({ Action: 'CREATE', ResourceRecordSet: { ...current, Weight: next[record.setIdentifier] } });
    }
    const comment = `curvectl: ${formatWeights(next, 'compact')}`.slice(0, 256);
    return { Comment: comment, Changes: changes };
  }

  async describeSwap(expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return { HostedZoneId: await this.hostedZoneId(signal), ChangeBatch: this.changeBatch(expected, next) };
  }

  /**
   * A DELETE of the record set exactly as read: Route 53 deletes only a record set whose values all
   * match (Route 53 API Reference, ChangeResourceRecordSets, "DELETE"), which is also how the AWS
   * provider removes an aws_route53_record.
   */
  async describeRemoval(record: WeightedRecord, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const set = this.raw.get(record) ?? this.rebuild(record);
    return { HostedZoneId: await this.hostedZoneId(signal), ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: set }] } };
  }

  /** The record set as it must be on Route 53, for records not read through this instance. */
  private rebuild(record: WeightedRecord): R53.ResourceRecordSet {
    return {
      Name: `${this.recordName}.`,
      Type: 'CNAME',
      SetIdentifier: record.setIdentifier,
      Weight: record.weight,
      TTL: record.ttl,
      ResourceRecords: [{ Value: record.value }],
      ...(record.healthCheckId ? { HealthCheckId: record.healthCheckId } : {}),
    };
  }

  async waitInSync(changeId: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const { sdk, client } = await this.load();
    const timeoutMs = options.timeoutMs ?? WAIT_DEFAULT_TIMEOUT_MS;
    const deadline = this.now() + timeoutMs;
    let wait = WAIT_FIRST_DELAY_MS;
    for (;;) {
      const out = await awsCall('route53:GetChange', () =>
        client.send(new sdk.GetChangeCommand({ Id: changeId }), { abortSignal: options.signal }),
      );
      if (out.ChangeInfo?.Status === 'INSYNC') return;
      const left = deadline - this.now();
      if (left <= 0) {
        throw new CurvectlError('AWS', `Route 53 change ${stripPrefix(changeId)} was not INSYNC after ${Math.round(timeoutMs / 1000)}s.`, {
          hint: 'Route 53 is slow to propagate right now; the change is accepted and will apply. Run curvectl status in a minute.',
          details: { changeId, status: out.ChangeInfo?.Status },
        });
      }
      await this.sleep(Math.min(wait, left), options.signal);
      wait = Math.min(wait * 2, WAIT_MAX_DELAY_MS);
    }
  }
}

function stripPrefix(id: string): string {
  return id.replace(/^\/(hostedzone|change)\//, '');
}
