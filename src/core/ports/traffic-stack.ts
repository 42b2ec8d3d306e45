// The traffic stack (Terraform), as the core sees it.
import type { ChangeSummary, PlanResult, RunOptions } from './terraform-run.js';
import type { Weights } from './traffic-dns.js';

export interface TrafficApplyOptions extends RunOptions {
  /**
   * Apply only a plan that changes no resource (output changes are applied): the shift's catch-up, which must only bring Terraform's
   * state in line with a Route 53 that curvectl already changed. A plan with changes means Route 53
   * is not what the var file says, because someone else changed it since curvectl's read-back;
   * applying it would put curvectl's weights back over theirs. Such a plan is discarded and the
   * summary comes back `withheld`.
   */
  readonly onlyIfUnchanged?: boolean;
}

/**
 * The traffic stack as the shift and the lifecycle use it: the desired weights and the stack's
 * plan/apply (one Terraform state, workspace "default").
 */
export interface TrafficStack {
  /**
   * The desired weights ({} when there are none yet): curvectl's JSON var file of the traffic stack,
   * or, with a team's DynamoDB state, the shared copy of which that file is a local mirror.
   */
  readDesiredWeights(): Promise<Weights>;
  /**
   * Writes the desired weights: the var file atomically (temp file + rename), after the shared copy
   * when there is one. Called only while holding the traffic lock.
   */
  writeDesiredWeights(weights: Weights): Promise<void>;
  planTraffic(options?: RunOptions): Promise<PlanResult>;
  applyTraffic(options?: TrafficApplyOptions): Promise<ChangeSummary>;
  /** The terraform command lines applyTraffic runs (plan to a file, then apply that file), for --dry-run. */
  trafficApplyCommands?(): readonly string[];
  /**
   * For --dry-run: plans the traffic stack as if the desired weights were `weights`, writing
   * nothing (the var file keeps its content). `commands`: curvectl writing the var file, then the
   * lines applyTraffic runs.
   */
  planTrafficWeights?(weights: Weights, options?: RunOptions): Promise<PlanResult>;
}
