/**
 * An authoritative DNS server on a loopback UDP port, answering the way clients meet Route 53
 * through their recursive resolver: a query for a weighted name gets ONE of its CNAMEs, chosen by
 * weight (weighted-choice.ts), with the record's TTL, followed by the A record of the load balancer
 * it names: that load balancer's loopback address, with the 60 s TTL that AWS gives ELB names. A
 * name that no longer exists (a deleted load balancer) is NXDOMAIN, as AWS answers it.
 */
import dgram from 'node:dgram';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';
import { chooseWeighted, type Random } from './weighted-choice.js';
import type { ZoneSnapshot } from './zone-view.js';

/** TTL of the A records of an ELB's DNS name on AWS. */
export const ELB_A_RECORD_TTL = 60;

const NXDOMAIN = 3;
const REFUSED = 5;

export interface DnsServerOptions {
  /** The current view of the zone and the load balancers. */
  readonly view: () => ZoneSnapshot;
  /** The loopback address of a load balancer, by its DNS name; undefined when it has none. */
  readonly addressOf: (lbDnsName: string) => string | undefined;
  /** Names this server is authoritative for (the hosted zone; ELB names are always answered). */
  readonly zone: string;
  readonly random: Random;
  /** Called for every weighted answer given (for the fleet's counters). */
  readonly onAnswer?: (name: string, setIdentifier: string) => void;
}

export interface DnsServer {
  readonly port: number;
  readonly queries: () => number;
  close(): Promise<void>;
}

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** The answer section and response code for one question. Exposed for the unit tests' reasoning, pure but for `random`. */
export function answerQuestion(question: Question, options: DnsServerOptions): { answers: Answer[]; rcode: number } {
  const name = bare(question.name);
  const snapshot = options.view();
  const answers: Answer[] = [];
  let target = name;
  const weighted = snapshot.records.get(name);
  if (weighted && weighted.length > 0) {
    const chosen = chooseWeighted(weighted, options.random)!;
    options.onAnswer?.(name, chosen.setIdentifier);
    answers.push({ type: 'CNAME', name: question.name, ttl: chosen.ttl, class: 'IN', data: chosen.value });
    if (question.type === 'CNAME') return { answers, rcode: 0 };
    target = chosen.value;
  }
  const lb = snapshot.loadBalancers.find((l) => l.dnsName === target);
  const address = lb ? options.addressOf(lb.dnsName) : undefined;
  if (!address) {
    const inZone = target === bare(options.zone) || target.endsWith(`.${bare(options.zone)}`) || target.endsWith('.amazonaws.com');
    return { answers, rcode: inZone ? NXDOMAIN : answers.length > 0 ? NXDOMAIN : REFUSED };
  }
  if (question.type === 'A') {
    answers.push({ type: 'A', name: target, ttl: ELB_A_RECORD_TTL, class: 'IN', data: address });
  }
  return { answers, rcode: 0 };
}

export async function startDnsServer(options: DnsServerOptions, port = 0): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', (message, remote) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: drop it, as a server does
    }
    queries += 1;
    const questions = query.questions ?? [];
    let rcode = 0;
    const answers: Answer[] = [];
    for (const question of questions) {
      const result = answerQuestion(question, options);
      answers.push(...result.answers);
      rcode = Math.max(rcode, result.rcode);
    }
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      // Authoritative, and recursion "available" because clients talk to it as their resolver.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions,
      answers,
    });
    socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    queries: () => queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
