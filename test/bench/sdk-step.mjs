/**
 * The bench's baseline for a step's critical path: the same weight change made directly with the
 * AWS SDK, in one `ChangeResourceRecordSets` (a DELETE and a CREATE of each of two weighted CNAME
 * records, as curvectl sends it) followed by `GetChange` until INSYNC. Nothing else: no journal, no
 * var file, no read before the change (nor after it, unless --read-back).
 *
 *   node test/bench/sdk-step.mjs <endpoint> <hosted zone id> <record name> <rounds> [--read-back]
 *
 * With --read-back, each round also makes the one call curvectl's step cannot do without after
 * the change: a ListResourceRecordSets of the name, alongside the GetChange (as curvectl does), so
 * the bench shows the floor of three Route 53 calls next to the bare two.
 *
 * Prints {"samples":[ms, ...]} on stdout. Round i moves the records to (100 - i, i); the first
 * CREATE (100, 0) is not timed (it also loads the SDK and opens the connection), and no pair of
 * weights repeats (moto refuses a CREATE it has seen before for the name).
 */
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';

const [endpoint, zoneId, name, roundsArg, flag] = process.argv.slice(2);
const readBack = flag === '--read-back';
const rounds = Number(roundsArg);
if (!endpoint || !zoneId || !name || !Number.isInteger(rounds) || rounds < 1 || rounds > 99) {
  process.stderr.write('usage: node test/bench/sdk-step.mjs <endpoint> <hosted zone id> <record name> <rounds 1-99> [--read-back]\n');
  process.exit(2);
}
const client = new Route53Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const record = (id, weight) => ({
  Name: `${name}.`,
  Type: 'CNAME',
  SetIdentifier: id,
  Weight: weight,
  TTL: 60,
  ResourceRecords: [{ Value: `${id}.ingress.example.test` }],
});

async function change(changes) {
  const out = await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
  if (readBack) {
    await Promise.all([
      client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'CNAME' })),
      insync(out.ChangeInfo.Id),
    ]);
    return;
  }
  await insync(out.ChangeInfo.Id);
}

async function insync(id) {
  for (;;) {
    const got = await client.send(new GetChangeCommand({ Id: id }));
    if (got.ChangeInfo.Status === 'INSYNC') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let a = 100;
let b = 0;
await change([
  { Action: 'CREATE', ResourceRecordSet: record('x', a) },
  { Action: 'CREATE', ResourceRecordSet: record('y', b) },
]);
const samples = [];
for (let i = 1; i <= rounds; i += 1) {
  const start = process.hrtime.bigint();
  await change([
    { Action: 'DELETE', ResourceRecordSet: record('x', a) },
    { Action: 'CREATE', ResourceRecordSet: record('x', 100 - i) },
    { Action: 'DELETE', ResourceRecordSet: record('y', b) },
    { Action: 'CREATE', ResourceRecordSet: record('y', i) },
  ]);
  samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  a = 100 - i;
  b = i;
}
client.destroy();
process.stdout.write(`${JSON.stringify({ samples })}\n`);
