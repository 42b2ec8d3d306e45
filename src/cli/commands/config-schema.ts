import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = false;

/** `curvectl config schema`: the JSON Schema of curvectl.yaml (the same document with or without -o json). */
export async function run(_ctx: Context): Promise<CommandResult> {
  const { configJsonSchema, configJsonSchemaText } = await import('../../config/json-schema.js');
  return { text: [configJsonSchemaText().trimEnd()], json: configJsonSchema() };
}
