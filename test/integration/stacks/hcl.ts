/** Reads a Terraform directory as JSON with the offline WASM HCL parser (no providers needed). */
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// hcl2json gives every block as a list of bodies keyed by its labels.
export type Body = Record<string, unknown>;
export interface HclDir {
  files: string[];
  variable: Record<string, Body>;
  output: Record<string, Body>;
  resource: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  module: Record<string, Body>;
  provider: Record<string, Body[]>;
  terraform: Body[];
  /** Every locals block merged. */
  locals: Body;
}

function first(list: unknown): Body {
  return (Array.isArray(list) ? list[0] : list) as Body;
}

export async function parseDir(dir: string): Promise<HclDir> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.tf')).sort();
  const out: HclDir = { files, variable: {}, output: {}, resource: {}, data: {}, module: {}, provider: {}, terraform: [], locals: {} };
  for (const file of files) {
    const json = (await parse(file, await readFile(join(dir, file), 'utf8'))) as Record<string, Record<string, unknown>>;
    for (const [name, bodies] of Object.entries(json.variable ?? {})) out.variable[name] = first(bodies);
    for (const [name, bodies] of Object.entries(json.output ?? {})) out.output[name] = first(bodies);
    for (const [name, bodies] of Object.entries(json.module ?? {})) out.module[name] = first(bodies);
    for (const [name, bodies] of Object.entries(json.provider ?? {})) out.provider[name] = bodies as Body[];
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, unknown>>)) {
        out[kind][type] ??= {};
        for (const [name, bodies] of Object.entries(byName)) out[kind][type]![name] = first(bodies);
      }
    }
    for (const body of (json.locals ?? []) as unknown as Body[]) Object.assign(out.locals, body);
    if (json.terraform) out.terraform.push(...(json.terraform as unknown as Body[]));
  }
  return out;
}
