/** A shift wired to fakes: 90/10 between cluster-a and cluster-b, TTL 60 s, op id "op-1". */
import type { ShiftDeps, ShiftRequest } from '../../../../src/core/shift/index.js';
import type { Weights } from '../../../../src/core/ports.js';
import {
  FakeClock,
  FakeDns,
  FakeInterrupts,
  FakeStacks,
  FakeStateStore,
  ScriptedGates,
  ScriptedIoHost,
} from '../../../_helpers/fakes.js';

export const W0: Weights = { 'cluster-a': 90, 'cluster-b': 10 };
export const W1: Weights = { 'cluster-a': 45, 'cluster-b': 55 };
export const W2: Weights = { 'cluster-a': 0, 'cluster-b': 100 };

export interface Harness {
  readonly clock: FakeClock;
  readonly dns: FakeDns;
  readonly stacks: FakeStacks;
  readonly state: FakeStateStore;
  readonly gates: ScriptedGates;
  readonly io: ScriptedIoHost;
  readonly interrupts: FakeInterrupts;
  readonly deps: ShiftDeps;
  /** Same fakes, a fresh process: new host and Ctrl-C handling (what `shift resume` gets). */
  nextProcess(options?: { assumeYes?: boolean }): Harness;
}

export function harness(options: { weights?: Weights; assumeYes?: boolean; gates?: ScriptedGates; ttl?: number } = {}): Harness {
  const clock = new FakeClock();
  const dns = new FakeDns(options.weights ?? W0);
  const stacks = new FakeStacks(dns);
  const state = new FakeStateStore(clock);
  const gates = options.gates ?? new ScriptedGates('pass');
  return build({ clock, dns, stacks, state, gates, ids: { n: 0 } }, options.assumeYes ?? false, options.ttl ?? 60);
}

function build(
  fakes: { clock: FakeClock; dns: FakeDns; stacks: FakeStacks; state: FakeStateStore; gates: ScriptedGates; ids: { n: number } },
  assumeYes: boolean,
  ttl: number,
): Harness {
  const io = new ScriptedIoHost({ assumeYes });
  const interrupts = new FakeInterrupts();
  const { clock, dns, stacks, state, gates, ids } = fakes;
  const deps: ShiftDeps = {
    clock,
    dns,
    stacks,
    state,
    gates,
    io,
    interrupts,
    actor: 'alice@laptop',
    ttl,
    newOpId: () => `op-${++ids.n}`,
  };
  return { clock, dns, stacks, state, gates, io, interrupts, deps, nextProcess: (o = {}) => build(fakes, o.assumeYes ?? false, ttl) };
}

export function request(overrides: Partial<ShiftRequest> = {}): ShiftRequest {
  return {
    to: 'cluster-b',
    step: 45,
    until: 100,
    bakeMs: 60_000,
    allowShortBake: false,
    dryRun: false,
    gateIntervalMs: 10_000,
    // The start question has tests of its own (start-question.test.ts).
    confirmStart: false,
    ...overrides,
  };
}
