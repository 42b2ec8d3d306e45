import type { Weights } from './traffic-dns.js';

/**
 * The desired weights shared by every operator's checkout (DynamoDB for a team). The core never
 * calls it: the Terraform stacks adapter keeps the traffic var file in step with it. It is a port
 * all the same, because two adapters meet here (terraform/stacks.ts uses it, state/ implements it)
 * and adapters meet only through ports.
 */
export interface DesiredWeightsStore {
  /** Where the weights live, for messages: "DynamoDB table curvectl (item desired#traffic)". */
  readonly description: string;
  /** The shared weights; undefined when none have been stored yet. */
  read(): Promise<Weights | undefined>;
  /**
   * Stores the weights. Only while this process holds the traffic lock, and only if nobody wrote
   * since this process last read them (a lost update fails instead of being overwritten).
   */
  write(weights: Weights): Promise<void>;
}
