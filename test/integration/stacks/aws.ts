/** Reading what Terraform made, straight from the emulator through the SDK. */
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { EmulatorEnv } from '../../_helpers/emulator.js';

export function clientConfig(env: EmulatorEnv) {
  return {
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  };
}

export interface LiveRecord {
  setIdentifier: string;
  weight: number | undefined;
  ttl: number | undefined;
  values: string[];
  healthCheckId: string | undefined;
}

/** The weighted CNAMEs under fqdn, by set identifier. */
export async function weightedRecords(env: EmulatorEnv, zoneId: string, fqdn: string): Promise<Record<string, LiveRecord>> {
  const client = new Route53Client(clientConfig(env));
  try {
    const out: Record<string, LiveRecord> = {};
    let start: { name?: string; type?: string; id?: string } = {};
    for (;;) {
      const page = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as never,
          StartRecordIdentifier: start.id,
        }),
      );
      for (const r of page.ResourceRecordSets ?? []) {
        if (r.Type !== 'CNAME' || r.Name?.replace(/\.$/, '') !== fqdn) continue;
        out[r.SetIdentifier ?? ''] = {
          setIdentifier: r.SetIdentifier ?? '',
          weight: r.Weight,
          ttl: r.TTL,
          values: (r.ResourceRecords ?? []).map((v) => v.Value ?? ''),
          healthCheckId: r.HealthCheckId,
        };
      }
      if (!page.IsTruncated) break;
      start = { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier };
    }
    return out;
  } finally {
    client.destroy();
  }
}
