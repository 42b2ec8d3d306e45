import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  InvalidChangeBatch,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { createAwsPorts } from '../../../../src/adapters/aws/clients.js';

const r53 = mockClient(Route53Client);
let sleeps: number[];

beforeEach(() => {
  r53.reset();
  sleeps = [];
  r53.on(ListHostedZonesByNameCommand).resolves({
    HostedZones: [
      { Id: '/hostedzone/ZPRIVATE', Name: 'example.test.', CallerReference: 'a', Config: { PrivateZone: true } },
      { Id: '/hostedzone/ZPUBLIC', Name: 'example.test.', CallerReference: 'b', Config: { PrivateZone: false } },
      { Id: '/hostedzone/ZOTHER', Name: 'example.tests.', CallerReference: 'c' },
    ],
    IsTruncated: false,
  });
});
afterEach(() => r53.reset());

function dns() {
  return createAwsPorts({
    region: 'eu-west-1',
    dns: { zone: 'Example.Test', record: 'API.example.test.' },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  }).dns;
}

const rec = (id: string, weight: number, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: 'api.example.test.',
  Type: 'CNAME',
  SetIdentifier: id,
  Weight: weight,
  TTL: 60,
  ResourceRecords: [{ Value: `${id}-nlb.elb.eu-west-1.amazonaws.com` }],
  ...extra,
});

async function errorOf(p: Promise<unknown>): Promise<CurvectlError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CurvectlError);
  return err as CurvectlError;
}

describe('Route53TrafficDns.readRecords', () => {
  it('finds the public zone by exact name and reads every weighted CNAME of the record, across pages', async () => {
    r53
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ResourceRecordSets: [rec('cluster-a', 90, { HealthCheckId: 'hc-1' }), rec('cluster-b', 10)],
        IsTruncated: true,
        NextRecordName: 'api.example.test.',
        NextRecordType: 'CNAME',
        NextRecordIdentifier: 'cluster-c',
        MaxItems: 2,
      })
      .resolvesOnce({
        ResourceRecordSets: [
          rec('cluster-c', 0),
          // Same name, other type: ignored.
          { Name: 'api.example.test.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] },
          // Another name: ignored, and the listing stops there.
          rec('cluster-z', 5, { Name: 'apix.example.test.' }),
        ],
        IsTruncated: true,
        NextRecordName: 'b.example.test.',
        NextRecordType: 'A',
        MaxItems: 3,
      })
      .resolves({ ResourceRecordSets: [], IsTruncated: false, MaxItems: 100 });
    const port = dns();
    expect(port.recordName).toBe('api.example.test');
    const records = await port.readRecords();
    expect(records).toEqual([
      { setIdentifier: 'cluster-a', weight: 90, value: 'cluster-a-nlb.elb.eu-west-1.amazonaws.com', ttl: 60, healthCheckId: 'hc-1' },
      { setIdentifier: 'cluster-b', weight: 10, value: 'cluster-b-nlb.elb.eu-west-1.amazonaws.com', ttl: 60 },
      { setIdentifier: 'cluster-c', weight: 0, value: 'cluster-c-nlb.elb.eu-west-1.amazonaws.com', ttl: 60 },
    ]);
    expect(r53.commandCalls(ListHostedZonesByNameCommand)[0]?.args[0].input).toEqual({ DNSName: 'example.test' });
    const lists = r53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { HostedZoneId: 'ZPUBLIC', StartRecordName: 'api.example.test', StartRecordType: 'CNAME' },
      { HostedZoneId: 'ZPUBLIC', StartRecordName: 'api.example.test.', StartRecordType: 'CNAME', StartRecordIdentifier: 'cluster-c' },
    ]);
    // The zone id is looked up once.
    await port.readRecords();
    expect(r53.commandCalls(ListHostedZonesByNameCommand)).toHaveLength(1);
  });

  it('ignores records that are not weighted', async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [{ Name: 'api.example.test.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x' }] }],
      IsTruncated: false,
      MaxItems: 100,
    });
    expect(await dns().readRecords()).toEqual([]);
  });

  it('says so when no zone has the name', async () => {
    r53.on(ListHostedZonesByNameCommand).resolves({
      HostedZones: [{ Id: '/hostedzone/Z1', Name: 'other.test.', CallerReference: 'a' }],
      IsTruncated: false,
    });
    const err = await errorOf(dns().readRecords());
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toBe('No hosted zone named example.test was found in this AWS account.');
    expect(err.hint).toBeTruthy();
  });

  it('refuses to guess between two public zones of the same name', async () => {
    r53.on(ListHostedZonesByNameCommand).resolves({
      HostedZones: [
        { Id: '/hostedzone/Z1', Name: 'example.test.', CallerReference: 'a' },
        { Id: '/hostedzone/Z2', Name: 'example.test.', CallerReference: 'b' },
      ],
      IsTruncated: false,
    });
    const err = await errorOf(dns().readRecords());
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.details?.zoneIds).toEqual(['Z1', 'Z2']);
  });

  it('maps missing credentials, access denied and throttling', async () => {
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    r53.on(ListHostedZonesByNameCommand).rejects(credentials);
    let err = await errorOf(dns().readRecords());
    expect(err.code).toBe('ENVIRONMENT');
    expect(err.message).toBe('No AWS credentials were found.');
    expect(err.hint).toBe('Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login.');

    r53.on(ListHostedZonesByNameCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    err = await errorOf(dns().readRecords());
    expect(err.code).toBe('AWS');
    expect(err.message).toBe('Access denied to route53:ListHostedZonesByName.');

    r53.on(ListHostedZonesByNameCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    err = await errorOf(dns().readRecords());
    expect(err.code).toBe('AWS');
    expect(err.message).toMatch(/kept throttling route53:ListHostedZonesByName/);
  });
});

describe('Route53TrafficDns.swapWeights', () => {
  beforeEach(() => {
    r53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [rec('cluster-a', 90, { HealthCheckId: 'hc-1' }), rec('cluster-b', 10)],
      IsTruncated: false,
      MaxItems: 100,
    });
    r53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() },
    });
  });

  it('sends ONE batch with DELETE exactly as read + CREATE with the new weight, for every record', async () => {
    const port = dns();
    const records = await port.readRecords();
    const id = await port.swapWeights(records, { 'cluster-a': 80, 'cluster-b': 20 });
    expect(id).toBe('/change/C123');
    const calls = r53.commandCalls(ChangeResourceRecordSetsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      HostedZoneId: 'ZPUBLIC',
      ChangeBatch: {
        Comment: 'curvectl: cluster-a=80 cluster-b=20',
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: rec('cluster-a', 90, { HealthCheckId: 'hc-1' }) },
          { Action: 'CREATE', ResourceRecordSet: rec('cluster-a', 80, { HealthCheckId: 'hc-1' }) },
          { Action: 'DELETE', ResourceRecordSet: rec('cluster-b', 10) },
          { Action: 'CREATE', ResourceRecordSet: rec('cluster-b', 20) },
        ],
      },
    });
  });

  it('rebuilds the record set for records not read through this instance', async () => {
    const port = dns();
    await port.swapWeights(
      [{ setIdentifier: 'cluster-b', weight: 10, value: 'cluster-b-nlb.elb.eu-west-1.amazonaws.com', ttl: 60 }],
      { 'cluster-b': 100 },
    );
    const changes = r53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch?.Changes;
    expect(changes?.[0]).toEqual({ Action: 'DELETE', ResourceRecordSet: rec('cluster-b', 10) });
  });

  it('needs the full set of records (INTERNAL otherwise), valid weights and never all zeros', async () => {
    const port = dns();
    const records = await port.readRecords();
    expect((await errorOf(port.swapWeights(records, { 'cluster-a': 100 }))).code).toBe('INTERNAL');
    expect((await errorOf(port.swapWeights(records, { 'cluster-a': 50, 'cluster-b': 40, 'cluster-c': 10 }))).code).toBe('INTERNAL');
    expect((await errorOf(port.swapWeights(records, { 'cluster-a': 0, 'cluster-b': 0 }))).code).toBe('INTERNAL');
    expect((await errorOf(port.swapWeights(records, { 'cluster-a': 256, 'cluster-b': 0 }))).code).toBe('INTERNAL');
    expect((await errorOf(port.swapWeights(records, { 'cluster-a': 1.5, 'cluster-b': 0 }))).code).toBe('INTERNAL');
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('InvalidChangeBatch means someone changed the records: INCONSISTENT', async () => {
    r53.on(ChangeResourceRecordSetsCommand).rejects(
      new InvalidChangeBatch({ message: 'Tried to delete resource record set but it was not found', $metadata: {} }),
    );
    const port = dns();
    const err = await errorOf(port.swapWeights(await port.readRecords(), { 'cluster-a': 80, 'cluster-b': 20 }));
    expect(err.code).toBe('INCONSISTENT');
    expect(err.message).toBe('Route 53 records changed since they were read; nothing was changed.');
    expect(err.hint).toMatch(/curvectl status/);
  });
});

describe('Route53TrafficDns.waitInSync', () => {
  it('polls GetChange with a doubling backoff until INSYNC', async () => {
    r53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    await dns().waitInSync('/change/C1');
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(r53.commandCalls(GetChangeCommand)[0]?.args[0].input).toEqual({ Id: '/change/C1' });
  });

  it('gives up after the timeout with an AWS error', async () => {
    r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } });
    const port = createAwsPorts({
      region: 'eu-west-1',
      dns: { zone: 'example.test', record: 'api.example.test' },
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    }).dns;
    const err = await errorOf(port.waitInSync('/change/C1', { timeoutMs: 30 }));
    expect(err.code).toBe('AWS');
    expect(err.message).toMatch(/Route 53 change C1 was not INSYNC/);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    // Aborted once the first poll has answered PENDING, so during the wait between polls (not after a guessed delay).
    r53.on(GetChangeCommand).callsFake(() => {
      controller.abort();
      return { ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } };
    });
    const port = createAwsPorts({ region: 'eu-west-1', dns: { zone: 'example.test', record: 'api.example.test' } }).dns;
    await expect(port.waitInSync('C1', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
