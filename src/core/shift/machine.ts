/**
 * The shift as a state machine: a discriminated union of states (state.ts) and one transition
 * function with an exhaustive switch. Every state that changes what is live or decided is journaled
 * by its phase, so a stopped shift is "load the state, continue the machine" (resume.ts).
 */
import { sharesOf } from '../observed-share.js';
import { CurvectlError } from '../errors.js';
import type { LockHandle } from '../ports.js';
import { bakeStep, effectiveBakeMs } from './bake.js';
import { CatchUp, type CatchUpFailure } from './catch-up.js';
import { askAfterInterrupt, askNext, complete, hold, leaseLost, rollBack } from './decide.js';
import { ShiftEvent, weightsAtStep } from './journal.js';
import { initialState, type NextChoice, type Run, type ShiftState } from './state.js';
import { applyStep } from './step.js';
import { errorMessage, journal } from './support.js';
import type { ShiftDeps, ShiftOutcome } from './types.js';

/** What a transition leads to: another state, or the end of the run. */
export type Transition = { readonly state: ShiftState } | { readonly done: ShiftOutcome };

/**
 * Runs the machine from `state` until it ends. `resume` is the same: load the state from the
 * journal and Route 53 (resume.ts), then continue here.
 */
export async function drive(deps: ShiftDeps, run: Run, lock: LockHandle, state: ShiftState = initialState(run)): Promise<ShiftOutcome> {
  const catchUp = new CatchUp();
  let current = state;
  try {
    for (;;) {
      const t = await transition(deps, run, lock, current, catchUp);
      if ('done' in t) return t.done;
      current = t.state;
    }
  } finally {
    // Never return (and so release the lock) with Terraform still applying: after a second Ctrl-C
    // or SIGTERM it got the same abort signal and stops on its own (finishing what is in flight).
    await catchUp.settle();
  }
}

/**
 * The one transition function: what each state does, and which state (or ending) follows.
 * `catchUp` carries the run's Terraform catch-up in flight (catch-up.ts); every state but the bake
 * waits for it first, and a failed one turns the state into a rollback as a failed apply does.
 */
export async function transition(deps: ShiftDeps, run: Run, lock: LockHandle, state: ShiftState, catchUp: CatchUp = new CatchUp()): Promise<Transition> {
  const total = run.steps.length;
  if (state.kind !== 'baking' && catchUp.pending) {
    const after = await caughtUp(deps, run, catchUp, state);
    if (after) return after;
  }
  switch (state.kind) {
    case 'baking': {
      const { reached } = state;
      const bake = await bakeStep(deps, run, reached, catchUp);
      switch (bake.kind) {
        case 'passed':
          break;
        case 'catch-up-failed':
          return to(rollbackAfter(bake.failure));
        case 'gate-failed':
          return to({ kind: 'rolling-back', reached, cause: 'gate', reason: bake.reason, decidedAt: bake.decidedAt });
        case 'hold':
          return to({ kind: 'holding', reached, reason: 'interrupt' });
        case 'rollback':
          return to({ kind: 'rolling-back', reached, cause: 'operator', reason: 'the operator chose to roll back after Ctrl-C' });
        default:
          return unreachable(bake);
      }
      const timing = catchUp.timing?.index === reached ? catchUp.timing : undefined;
      await journal(deps, run.op, ShiftEvent.stepBaked, {
        index: reached,
        total,
        weights: weightsAtStep(run, reached),
        bakeMs: effectiveBakeMs(deps, run),
        // The step's critical path (decision to Route 53 INSYNC and read back) and its catch-up, off it.
        ...(timing ? { route53Ms: timing.route53Ms, ...(timing.catchUpMs !== undefined ? { catchUpMs: timing.catchUpMs } : {}) } : {}),
        // What the gates said and what the traffic did when the bake ended (history and the shift report show them).
        gates: bake.gates.map((g) => ({ gate: g.gate, cluster: g.cluster, outcome: g.outcome, reason: g.reason })),
        ...(bake.observed ? { observed: sharesOf(bake.observed), observedWindow: bake.observed.window } : {}),
      });
      if (reached === total) return to({ kind: 'completing' });
      return to({ kind: 'deciding', reached, interrupted: deps.interrupts.requested, seen: bake.records });
    }
    case 'deciding': {
      const { reached, interrupted } = state;
      // The bake's last read of Route 53 is the next step's compare-and-swap read only when the
      // step follows it at once (--yes: nobody is asked); after an operator's answer, which may take
      // minutes, the step reads Route 53 again (step.ts).
      const seen = !interrupted && deps.io.assumeYes && state.seen ? { seen: state.seen } : {};
      let choice: NextChoice;
      try {
        choice = interrupted ? await askAfterInterrupt(deps, run, reached) : await askNext(deps, run, reached);
      } catch (err) {
        // No answer (the prompt was closed, e.g. Ctrl-C inside it): stopping is the safe default.
        if (deps.interrupts.signal.aborted) throw err;
        deps.io.notify({ level: 'warn', code: 'shift.prompt.failed', text: `No answer to the prompt (${errorMessage(err)}); holding.` });
        return to({ kind: 'holding', reached, reason: 'interrupt' });
      }
      switch (choice) {
        case 'continue':
          return to({ kind: 'applying', reached, next: reached + 1, ...seen });
        case 'jump':
          return to({ kind: 'applying', reached, next: total, ...seen });
        case 'hold':
          return to({ kind: 'holding', reached, reason: interrupted ? 'interrupt' : 'operator' });
        case 'rollback':
          return to({ kind: 'rolling-back', reached, cause: 'operator', reason: 'the operator chose to roll back' });
        default:
          return unreachable(choice);
      }
    }
    case 'between': {
      const { reached, rerun } = state;
      if (reached === total) return to({ kind: 'completing' });
      const next = rerun !== undefined && rerun > reached ? rerun : reached + 1;
      // A safe point between steps: Ctrl-C pressed during pre-flight or while resuming.
      if (deps.interrupts.requested) {
        const choice = await askAfterInterrupt(deps, run, reached);
        if (choice === 'hold') return to({ kind: 'holding', reached, reason: 'interrupt' });
        if (choice === 'rollback') return to({ kind: 'rolling-back', reached, cause: 'operator', reason: 'the operator chose to roll back after Ctrl-C' });
      }
      return to({ kind: 'applying', reached, next });
    }
    case 'applying': {
      const { reached, next, seen } = state;
      // A lease that ran out may have been taken over: never move more traffic without the lock.
      if (lock.stillHeld?.() === false) return to({ kind: 'lease-lost', reached, next });
      const applied = await applyStep(deps, run, next, reached, catchUp, seen);
      if (applied.ok) return to({ kind: 'baking', reached: next });
      // The step's write was refused because the lock is gone: nothing moved, and a rollback needs the lock too.
      if (applied.lockLost) return to({ kind: 'lease-lost', reached, next });
      // What this step's own writes left (e.g. Terraform's apply of curvectl's var file) is curvectl's to undo.
      return to({
        kind: 'rolling-back',
        reached,
        cause: 'apply',
        reason: applied.reason,
        decidedAt: applied.decidedAt,
        also: next,
        ...(applied.found ? { found: applied.found } : {}),
      });
    }
    case 'completing':
      return { done: await complete(deps, run) };
    case 'holding':
      return { done: await hold(deps, run, state.reached, state.reason) };
    case 'rolling-back':
      return {
        done: await rollBack(deps, run, state.reached, state.cause, state.reason, false, state.decidedAt ?? deps.clock.now(), {
          ...(state.also !== undefined ? { also: state.also } : {}),
          ...(state.found ? { found: state.found } : {}),
        }),
      };
    case 'lease-lost':
      return leaseLost(deps, run, state.reached, state.next);
    default:
      return unreachable(state);
  }
}

function to(state: ShiftState): Transition {
  return { state };
}

/** A failed catch-up rolls back as a failed apply of the step did: from the step before, also swapping from the step. */
function rollbackAfter(failure: CatchUpFailure): ShiftState {
  return {
    kind: 'rolling-back',
    reached: failure.from,
    cause: 'apply',
    reason: failure.reason,
    decidedAt: failure.decidedAt,
    also: failure.index,
    ...(failure.found ? { found: failure.found } : {}),
  };
}

/**
 * Waits for the catch-up in flight before `state` acts. Caught up: undefined (the state goes on).
 * Failed: a hold, the next step or the end becomes the rollback; a rollback already decided keeps
 * its cause and also swaps from what the apply left.
 */
async function caughtUp(deps: ShiftDeps, run: Run, catchUp: CatchUp, state: ShiftState): Promise<Transition | undefined> {
  const label = `Step ${catchUp.timing?.index ?? '?'}/${run.steps.length}`;
  const why =
    state.kind === 'rolling-back' ? 'before rolling back' : state.kind === 'holding' ? 'before holding' : state.kind === 'completing' ? 'before completing' : 'before going on';
  const failure = await catchUp.wait(deps, label, why);
  if (!failure) return undefined;
  if (state.kind !== 'rolling-back') return to(rollbackAfter(failure));
  return to({ ...state, also: state.also ?? failure.index, ...(failure.found ? { found: failure.found } : {}) });
}

export async function release(deps: ShiftDeps, lock: { release(): Promise<void> }): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    deps.io.notify({
      level: 'warn',
      code: 'lock.release-failed',
      text: `Could not release the traffic lock: ${errorMessage(err)}. Run \`curvectl unlock\` if it stays.`,
    });
  }
}


function unreachable(value: never): never {
  throw new CurvectlError('INTERNAL', `Unexpected value ${JSON.stringify(value)}.`);
}
