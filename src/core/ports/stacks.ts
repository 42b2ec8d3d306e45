// All three Terraform stacks, as the composition root hands them out (src/adapters/terraform/stacks.ts implements both).
import type { ClusterStacks } from './cluster-stacks.js';
import type { TrafficStack } from './traffic-stack.js';

/** The traffic stack and the cluster stacks together. Callers that need only one side take that port. */
export interface Stacks extends TrafficStack, ClusterStacks {}
