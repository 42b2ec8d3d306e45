/**
 * The narrow interfaces the core needs from the outside world. Adapters (src/adapters/*) implement
 * them against Terraform, AWS and the local disk; tests implement them with fakes. The core imports
 * nothing else from outside: no SDK, no execa, no terminal library, no process.env.
 */
// The ports themselves live in src/core/ports/, one file per port (ARCHITECTURE.md lists them). This
// file only re-exports them, so that `import type { ... } from '../ports.js'` names any of them.
export type * from './ports/clock.js';
export type * from './ports/cloudwatch.js';
export type * from './ports/cluster-stacks.js';
export type * from './ports/command.js';
export type * from './ports/desired-weights-store.js';
export type * from './ports/eks.js';
export type * from './ports/elbv2.js';
export type * from './ports/http.js';
export type * from './ports/interrupts.js';
export type * from './ports/json-path.js';
export type * from './ports/kubernetes.js';
export type * from './ports/stacks.js';
export type * from './ports/state-store.js';
export type * from './ports/terraform-run.js';
export type * from './ports/traffic-dns.js';
export type * from './ports/traffic-stack.js';
export type * from './ports/webhook.js';
