/**
 * What a second Route 53 request in flight costs on the endpoint: the bench's reason why a step's
 * read-back (ListResourceRecordSets alongside GetChange) is not free against the emulator. Times,
 * interleaved round by round, one GetChange alone, one ListResourceRecordSets alone, the two
 * started together (as a step does), and the two one after the other. A server that answers
 * requests concurrently shows "together" close to "alone"; one that answers one at a time shows it
 * close to "one after the other".
 *
 *   node test/bench/route53-pair.mjs <endpoint> <hosted zone id> <record name> <rounds>
 *
 * Prints {"alone":[ms...],"list":[ms...],"together":[ms...],"sequence":[ms...]} on stdout.
 */
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';

const [endpoint, zoneId, name, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!endpoint || !zoneId || !name || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('usage: node test/bench/route53-pair.mjs <endpoint> <hosted zone id> <record name> <rounds>\n');
  process.exit(2);
}
const client = new Route53Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const created = await client.send(
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: `${name}.`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'pair.example.test' }] } }] },
  }),
);
// No request may hang the bench: each has 10 s, then fails naming itself.
const timed = (what, command) =>
  client.send(command, { abortSignal: AbortSignal.timeout(10_000) }).catch((err) => {
    throw new Error(`${what}: ${err.name}: ${err.message}`);
  });
const getChange = () => timed('GetChange', new GetChangeCommand({ Id: created.ChangeInfo.Id }));
const list = () => timed('ListResourceRecordSets', new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'CNAME' }));
const modes = {
  alone: () => getChange(),
  list: () => list(),
  together: () => Promise.all([getChange(), list()]),
  sequence: async () => {
    await getChange();
    await list();
  },
};
const samples = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
await Promise.all([getChange(), list()]); // two connections open before anything is timed
for (let i = 0; i < rounds; i += 1) {
  for (const [mode, run] of Object.entries(modes)) {
    const start = process.hrtime.bigint();
    await run();
    samples[mode].push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
client.destroy();
process.stdout.write(`${JSON.stringify(samples)}\n`);
