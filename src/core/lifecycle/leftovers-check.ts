/**
 * Before retire destroys a cluster stack: AWS resources tagged for the cluster that Terraform does
 * not know (load balancers of LoadBalancer Services, volumes of PersistentVolumes, ...) would make
 * the destroy fail half-way on DependencyViolation when the VPC goes. Found ones stop the retire
 * before anything is destroyed, listed with what to do; with --delete-leftovers (confirmed like the
 * retire itself) they are deleted and the check runs again, so the retire goes on only when nothing
 * is left.
 */
import { CurvectlError, refused } from '../errors.js';
import type { IoHost } from '../io-host.js';
import type { Leftover, LeftoversPort } from '../ports/leftovers.js';

export interface LeftoversCheckDeps {
  readonly leftovers?: LeftoversPort;
  readonly io: IoHost;
  readonly signal?: AbortSignal;
}

export interface LeftoversCheckRequest {
  readonly name: string;
  /** --delete-leftovers: delete what is found instead of stopping. */
  readonly deleteLeftovers?: boolean;
  /** The retire was confirmed by a caller that already asked (cycle); otherwise deleting asks again. */
  readonly confirmed?: boolean;
}

export function describeLeftover(l: Leftover): string {
  return `${l.kind} ${l.name && l.name !== l.id ? `${l.name} (${l.id})` : l.id} [${l.tag}]`;
}

/** Returns what was deleted (empty when nothing was found). Throws REFUSED when something is found and not to be deleted. */
export async function checkLeftovers(deps: LeftoversCheckDeps, request: LeftoversCheckRequest): Promise<readonly Leftover[]> {
  // Without the port (unit tests with fakes) there is nothing to look with; the CLI always wires it.
  if (!deps.leftovers) return [];
  const found = await deps.leftovers.find(request.name, deps.signal);
  if (found.length === 0) return [];
  const list = found.map(describeLeftover);
  if (!request.deleteLeftovers) {
    throw refused(
      `${request.name} has ${found.length} AWS resource${found.length === 1 ? '' : 's'} tagged for it that Terraform does not manage, which would stop the VPC from being deleted: ${list.join('; ')}. Nothing was destroyed.`,
      `Delete the Kubernetes objects that made them (LoadBalancer Services, PersistentVolumeClaims) while the cluster still runs, or run "curvectl retire ${request.name} --delete-leftovers" to delete them in AWS.`,
      { leftovers: found.map((l) => ({ ...l })) },
    );
  }
  if (!request.confirmed) {
    const ok = await deps.io.confirmByTyping({
      code: 'retire.leftovers.confirm',
      message: `This also deletes ${found.length} AWS resource${found.length === 1 ? '' : 's'} tagged for ${request.name} that Terraform does not manage: ${list.join('; ')}.`,
      expected: request.name,
    });
    if (!ok) throw new CurvectlError('STOPPED', `The typed name did not match ${request.name}; nothing was destroyed.`);
  }
  for (const line of list) deps.io.notify({ level: 'info', code: 'retire.leftovers.deleting', text: `Deleting ${line}` });
  await deps.leftovers.delete(found, deps.signal);
  const again = await deps.leftovers.find(request.name, deps.signal);
  if (again.length > 0) {
    throw new CurvectlError('INCONSISTENT', `After deleting them, ${again.length} resource${again.length === 1 ? '' : 's'} tagged for ${request.name} ${again.length === 1 ? 'is' : 'are'} still there: ${again.map(describeLeftover).join('; ')}. Nothing of the cluster was destroyed.`, {
      hint: 'A controller in the cluster may have made them again: delete the Services or claims that own them, then run retire again.',
    });
  }
  deps.io.notify({ level: 'success', code: 'retire.leftovers.deleted', text: `Deleted ${found.length} leftover resource${found.length === 1 ? '' : 's'} of ${request.name}.` });
  return found;
}
