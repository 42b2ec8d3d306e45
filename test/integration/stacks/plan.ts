/** `terraform plan -out` + `terraform show -json`, read as planned resources and their configuration. */
import { tfOk, type TfOptions } from '../../_helpers/terraform-env.js';

export interface ResourceChange {
  address: string;
  type: string;
  name: string;
  module_address?: string;
  change: { actions: string[]; after: Record<string, unknown> | null; after_unknown: Record<string, unknown> };
}

export interface ConfigResource {
  address: string;
  type: string;
  name: string;
  expressions: Record<string, unknown>;
  depends_on?: string[];
}

export interface PlanJson {
  resource_changes: ResourceChange[];
  configuration: { root_module: ConfigModule };
}

interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { module: ConfigModule }>;
}

export class Plan {
  constructor(readonly json: PlanJson) {}

  /** The planned change of one resource, by full address (throws when it is not planned). */
  change(address: string): ResourceChange {
    const found = this.json.resource_changes.find((r) => r.address === address);
    if (!found) throw new Error(`${address} is not in the plan; planned: ${this.addresses().join(', ')}`);
    return found;
  }

  /** The planned "after" values of one resource. */
  after(address: string): Record<string, unknown> {
    return this.change(address).change.after ?? {};
  }

  addresses(): string[] {
    return this.json.resource_changes.map((r) => r.address);
  }

  /** A resource's configuration inside module call `moduleName` (e.g. "cluster"), by "type.name". */
  config(moduleName: string, address: string): ConfigResource {
    const mod = this.json.configuration.root_module.module_calls?.[moduleName]?.module;
    const found = mod?.resources?.find((r) => r.address === address);
    if (!found) throw new Error(`${address} is not in module ${moduleName}'s configuration`);
    return found;
  }
}

/** Plans into a file and reads it back as JSON (the plan is never applied). */
export async function planJson(args: readonly string[], options: TfOptions, file = 'policy.tfplan'): Promise<Plan> {
  await tfOk(['plan', '-input=false', '-no-color', '-lock=false', `-out=${file}`, ...args], options);
  const shown = await tfOk(['show', '-json', '-no-color', file], options);
  return new Plan(JSON.parse(shown.stdout) as PlanJson);
}
