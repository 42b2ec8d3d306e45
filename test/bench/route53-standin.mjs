/**
 * The negative control of route53-pair.mjs: a Route 53 stand-in that answers every request after a
 * 5 ms timer, concurrently (no CPU spent, nothing queued), with the smallest valid XML for the three
 * calls the pair script makes. Against it "together" must come out close to "alone"; the bench
 * prints both runs side by side.
 *
 *   node test/bench/route53-standin.mjs    prints "listening <port>" once it accepts connections
 */
import http from 'node:http';

const ns = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"';
const change = '<ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo>';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    setTimeout(() => {
      let body;
      if (req.method === 'POST') body = `<ChangeResourceRecordSetsResponse ${ns}>${change}</ChangeResourceRecordSetsResponse>`;
      else if (req.url.startsWith('/2013-04-01/change/')) body = `<GetChangeResponse ${ns}>${change}</GetChangeResponse>`;
      else body = `<ListResourceRecordSetsResponse ${ns}><ResourceRecordSets></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>`;
      res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    }, 5),
  );
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
