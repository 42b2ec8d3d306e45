/**
 * `curvectl state bootstrap`'s text: per resource, what exists, what was or would be done, and for
 * a --dry-run or a failed best-effort step the AWS CLI command that does it by hand.
 */
import type { BootstrapReport, ResourceReport } from '../core/state-bootstrap.js';

function title(r: ResourceReport): string {
  if (r.type === 's3-bucket') return `S3 bucket ${r.name} (${r.region}, Terraform state)`;
  return `DynamoDB table ${r.name} (${r.region}, ${r.purpose === 'terraform-lock' ? "Terraform's state lock" : "curvectl's lock and journal"})`;
}

export function renderBootstrap(report: BootstrapReport, command: (argv: readonly string[]) => string): string[] {
  const lines: string[] = [];
  for (const r of report.resources) {
    const settings = r.settings.join(', ');
    if (r.actions.length === 0) {
      lines.push(`${title(r)} exists: ${settings}. Nothing to do.`);
      continue;
    }
    if (report.dryRun) {
      lines.push(`${title(r)} ${r.existed ? 'exists; would' : 'does not exist; would'}:`);
      for (const a of r.actions) {
        lines.push(`  - ${a.description}`, `      ${command(a.command)}`);
      }
      continue;
    }
    const created = r.actions.some((a) => a.action.kind === 'create-bucket' || a.action.kind === 'create-table');
    const failed = r.actions.filter((a) => a.outcome === 'failed');
    lines.push(`${title(r)} ${created ? 'created' : 'exists; updated'}: ${settings}.`);
    for (const a of failed) lines.push(`  Not done: ${a.description}; by hand: ${command(a.command)}`);
  }
  if (report.dryRun) lines.push('', 'Dry run: nothing was created or changed.');
  return lines;
}
