/**
 * Before retire destroys a cluster stack: AWS resources tagged for the cluster that Terraform does
 * not know (load balancers of LoadBalancer Services, volumes of PersistentVolumes, ...) would make
 * the destroy fail half-way on DependencyViolation when the VPC goes.
 *
 * Two halves, because the operator's typed confirmation sits between them: `findLeftovers` runs
 * before anything is asked (found ones stop the retire there, listed with what to do, so nobody
 * types a cluster's name only to be refused), and with --delete-leftovers it returns them so the
 * one confirmation names them; `deleteLeftovers` runs after the confirmation, deletes them and
 * looks again, so the retire goes on only when nothing is left.
 */
import { CurvectlError, refused } from '../errors.js';
import type { IoHost } from '../io-host.js';
import type { Leftover, LeftoversPort } from '../ports/leftovers.js';

export interface LeftoversCheckDeps {
  readonly leftovers?: LeftoversPort;
  readonly io: IoHost;
  readonly signal?: AbortSignal;
}

export interface LeftoversFindRequest {
  readonly name: string;
  /** --delete-leftovers: return what is found (to be confirmed and deleted) instead of stopping. */
  readonly deleteLeftovers?: boolean;
}

export function describeLeftover(l: Leftover): string {
  return `${l.kind} ${l.name && l.name !== l.id ? `${l.name} (${l.id})` : l.id} [${l.tag}]`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The sentence a confirmation uses for the leftovers it will delete. */
export function leftoversToDelete(name: string, found: readonly Leftover[]): string {
  return `delete ${plural(found.length, 'AWS resource', 'AWS resources')} tagged for ${name} that Terraform does not manage (${found.map(describeLeftover).join('; ')})`;
}

/**
 * What is tagged for the cluster outside Terraform. Throws REFUSED (nothing changed) when something
 * is found and is not to be deleted; otherwise returns it (empty when nothing is found).
 */
export async function findLeftovers(deps: LeftoversCheckDeps, request: LeftoversFindRequest): Promise<readonly Leftover[]> {
  // Without the port (unit tests with fakes) there is nothing to look with; the CLI always wires it.
  if (!deps.leftovers) return [];
  const found = await deps.leftovers.find(request.name, deps.signal);
  if (found.length === 0 || request.deleteLeftovers) return found;
  throw refused(
    `${request.name} has ${plural(found.length, 'AWS resource', 'AWS resources')} tagged for it that Terraform does not manage, which would stop the VPC from being deleted: ${found.map(describeLeftover).join('; ')}. Nothing was destroyed.`,
    `Delete the Kubernetes objects that made them (LoadBalancer Services, PersistentVolumeClaims) while the cluster still runs, or run "curvectl retire ${request.name} --delete-leftovers" to delete them in AWS.`,
    { leftovers: found.map((l) => ({ ...l })) },
  );
}

/**
 * Deletes what `findLeftovers` returned (the operator has confirmed it), then looks again: anything
 * still there (a controller in the cluster made it again, or one appeared since) fails closed before
 * the cluster is destroyed. Nothing to delete: nothing happens.
 */
export async function deleteLeftovers(deps: LeftoversCheckDeps, name: string, found: readonly Leftover[]): Promise<void> {
  if (!deps.leftovers || found.length === 0) return;
  for (const l of found) deps.io.notify({ level: 'info', code: 'retire.leftovers.deleting', text: `Deleting ${describeLeftover(l)}` });
  await deps.leftovers.delete(found, deps.signal);
  const again = await deps.leftovers.find(name, deps.signal);
  if (again.length > 0) {
    throw new CurvectlError('INCONSISTENT', `After deleting them, ${plural(again.length, 'resource', 'resources')} tagged for ${name} ${again.length === 1 ? 'is' : 'are'} still there: ${again.map(describeLeftover).join('; ')}. Nothing of the cluster was destroyed.`, {
      hint: 'A controller in the cluster may have made them again: delete the Services or claims that own them, then run retire again.',
    });
  }
  deps.io.notify({ level: 'success', code: 'retire.leftovers.deleted', text: `Deleted ${plural(found.length, 'leftover resource', 'leftover resources')} of ${name}.` });
}
