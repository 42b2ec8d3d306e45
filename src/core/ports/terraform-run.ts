// What every Terraform run of a stack takes and gives back (shared by the traffic and cluster stack ports).

/** Progress from a running terraform, parsed from its -json stream. */
export interface TerraformProgress {
  readonly stack: StackName;
  readonly workspace: string;
  /** e.g. "apply_start", "apply_complete", "change_summary", "diagnostic" */
  readonly type: string;
  readonly message: string;
  /** For change summaries: resources added / changed / removed so far. */
  readonly counts?: { add: number; change: number; remove: number };
}

export type StackName = 'cluster' | 'platform' | 'traffic';

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: TerraformProgress) => void;
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  /** The plan would have made these changes, and nothing was applied (TrafficApplyOptions.onlyIfUnchanged). */
  readonly withheld?: boolean;
}

export interface PlanResult {
  readonly changes: boolean;
  readonly summary: ChangeSummary;
  /** Addresses of resources that would change, for --dry-run and messages. */
  readonly resources: readonly string[];
  /** The exact terraform commands this plan corresponds to, for --dry-run. */
  readonly commands: readonly string[];
}
