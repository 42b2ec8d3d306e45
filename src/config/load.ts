/**
 * Finds, reads, parses and validates curvectl.yaml. Every failure is a CurvectlError BAD_CONFIG
 * naming the file, and the line where the YAML or the schema says something is wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CurvectlError } from '../core/errors.js';
import { textOf } from '../core/text-of.js';
import { configJsonSchema } from './json-schema.js';
import { configSchema, type CurvectlConfig } from './schema.js';

export { renderDefaultConfig, type DefaultConfigOptions } from './default-config.js';

export const CONFIG_FILE_NAME = 'curvectl.yaml';
export const CONFIG_ENV_VAR = 'CURVECTL_CONFIG';

export interface LoadConfigOptions {
  /** --config; relative to cwd. */
  readonly path?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface LoadedConfig {
  readonly config: CurvectlConfig;
  /** Absolute path of the file read. */
  readonly path: string;
  /** Its directory: relative paths in the configuration (terraform.stacksDir, state.dir) are relative to it. */
  readonly dir: string;
}

/** Where the configuration is: --config, else $CURVECTL_CONFIG, else ./curvectl.yaml. */
export function resolveConfigPath(options: LoadConfigOptions): string {
  const given = options.path ?? (options.env[CONFIG_ENV_VAR] || undefined) ?? CONFIG_FILE_NAME;
  return path.resolve(options.cwd, given);
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const file = resolveConfigPath(options);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CurvectlError('BAD_CONFIG', `No configuration at ${file}.`, {
        hint: 'Run curvectl init, or pass --config.',
        cause: err,
      });
    }
    if (code === 'EISDIR') {
      throw new CurvectlError('BAD_CONFIG', `${file} is a directory, not a configuration file.`, {
        hint: `Pass the file itself, e.g. --config ${path.join(file, CONFIG_FILE_NAME)}.`,
        cause: err,
      });
    }
    throw new CurvectlError('BAD_CONFIG', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { config: parseConfigText(text, file), path: file, dir: path.dirname(file) };
}

export interface ConfigCheck {
  /** The validated configuration; undefined when there is any problem. */
  readonly config: CurvectlConfig | undefined;
  /** Every problem found: all YAML syntax errors, or else every schema issue (unknown keys first). */
  readonly problems: readonly ConfigProblem[];
  /** True when the problems are YAML syntax errors (the schema was not checked). */
  readonly syntax: boolean;
}

/** Checks configuration text and reports every problem with its line and column; never throws for bad input. */
export function checkConfigText(text: string): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): ConfigProblem => {
      const pos = e.linePos?.[0];
      const message = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
      return { path: '(YAML)', message: `invalid YAML: ${message}`, ...(pos ? { line: pos.line, column: pos.col } : {}) };
    });
    return { config: undefined, problems, syntax: true };
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (result.success) return { config: result.data, problems: [], syntax: false };
  const problems = describeIssues(result.error.issues, data, doc, lineCounter);
  return { config: undefined, problems: problems.length ? problems : [{ path: '(top level)', message: 'invalid configuration' }], syntax: false };
}

/** "file:line:column: path: message", the shape editors and CI logs link from. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line ? `${file}:${problem.line}:${problem.column ?? 1}` : file;
  return problem.path === '(YAML)' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/** Parses and validates configuration text; `file` is for messages. Throws BAD_CONFIG. */
export function parseConfigText(text: string, file: string): CurvectlConfig {
  const check = checkConfigText(text);
  if (check.config) return check.config;
  if (check.syntax) {
    const first = check.problems[0]!;
    const where = first.line ? `${file}:${first.line}:${first.column}` : file;
    throw new CurvectlError('BAD_CONFIG', sentence(`${where}: ${first.message}`), {
      hint: 'Fix the YAML syntax at that line (indentation, quotes, colons).',
      details: { file, ...(first.line ? { line: first.line, column: first.column } : {}), errors: check.problems.map((p) => p.message.replace(/^invalid YAML: /, '')) },
    });
  }
  const problems = check.problems;
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new CurvectlError('BAD_CONFIG', sentence(`${file}: ${first.path}: ${first.message}${first.line ? ` (line ${first.line})` : ''}${more}`), {
    hint: 'Fix curvectl.yaml; the README lists every setting. "curvectl config validate" lists every problem.',
    details: { file, problems },
  });
}

/** The error line is one sentence: it ends with a full stop (the YAML parser's messages do not). */
function sentence(text: string): string {
  return `${text.replace(/[\s.:;,]+$/, '')}.`;
}

export interface ConfigProblem {
  /** Dotted key path, like "dns.record" or "gates[1].type"; "(top level)" for the document. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

type Issue = z.core.$ZodIssue;

function describeIssues(issues: readonly Issue[], data: unknown, doc: Document, lines: LineCounter): ConfigProblem[] {
  // An unknown key is usually the cause of the other problems ("recrod" => "record" is missing).
  const ordered = [...issues].sort((a, b) => rank(a) - rank(b));
  const problems: ConfigProblem[] = [];
  for (const issue of ordered) {
    const issuePath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issuePath, data);
      for (const key of issue.keys) {
        const keyPath = [...issuePath, key];
        problems.push({
          path: formatPath(keyPath),
          message: `unknown key '${key}'${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
          ...position(doc, lines, keyPath, true),
        });
      }
      continue;
    }
    problems.push({ path: formatPath(issuePath), message: describeIssue(issue, valueAt(data, issuePath)), ...position(doc, lines, issuePath, false) });
  }
  return problems;
}

function rank(issue: Issue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1;
}

function describeIssue(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing; expected ${article(issue.expected)}`;
      return `expected ${article(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length) {
        return `expected one of ${options.map((o) => String(o)).join(', ')}${value === undefined ? '' : `, got ${describeValue(value)}`}`;
      }
      return issue.message;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    default: {
      const message = issue.message.replace(/^Invalid input: /, '');
      return message.charAt(0).toLowerCase() + message.slice(1);
    }
  }
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return textOf(value);
}

function formatPath(parts: readonly (string | number)[]): string {
  if (parts.length === 0) return '(top level)';
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function valueAt(data: unknown, parts: readonly (string | number)[]): unknown {
  let current: unknown = data;
  for (const p of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[p];
  }
  return current;
}

/** Line and column of the key (or value) at the path; of the nearest existing parent when missing. */
function position(doc: Document, lines: LineCounter, parts: readonly (string | number)[], wantKey: boolean): { line?: number; column?: number } {
  for (let n = parts.length; n >= 0; n--) {
    const prefix = parts.slice(0, n);
    let offset: number | undefined;
    if (n > 0 && (wantKey || n < parts.length)) {
      const parent = prefix.length > 1 ? doc.getIn(prefix.slice(0, -1), true) : doc.contents;
      const last = prefix[prefix.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        offset = keyNode?.range?.[0];
      }
    }
    if (offset === undefined) {
      const node = (n === 0 ? doc.contents : doc.getIn(prefix, true)) as { range?: [number, number, number] } | null | undefined;
      offset = node?.range?.[0];
    }
    if (offset !== undefined) {
      const pos = lines.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

// ---- allowed keys at a path, from the JSON Schema zod generates (its public API; best effort: [] when unsure)

interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: boolean | JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  const?: unknown;
  enum?: unknown[];
  $ref?: string;
}

let inputSchema: { root: JsonSchemaNode; definitions: Record<string, JsonSchemaNode> } | undefined;

function schemaRoot() {
  if (!inputSchema) {
    const root = configJsonSchema() as JsonSchemaNode & { definitions?: Record<string, JsonSchemaNode>; $defs?: Record<string, JsonSchemaNode> };
    inputSchema = { root, definitions: { ...root.$defs, ...root.definitions } };
  }
  return inputSchema;
}

/** The node, with a $ref followed and, for a union, the branch that `value` takes (by its literal-valued keys). */
function resolveNode(node: JsonSchemaNode | undefined, value: unknown): JsonSchemaNode | undefined {
  let n = node;
  for (let hops = 0; n?.$ref && hops < 20; hops += 1) n = schemaRoot().definitions[n.$ref.replace(/^#\/(definitions|\$defs)\//, '')];
  const branches = (n?.anyOf ?? n?.oneOf)?.map((b) => resolveNode(b, value)).filter((b): b is JsonSchemaNode => b !== undefined && b.type !== 'null');
  if (!branches) return n;
  if (branches.length === 1) return branches[0];
  const record = (value ?? {}) as Record<string, unknown>;
  return branches.find((b) => {
    const literals = Object.entries(b.properties ?? {}).filter(([, p]) => p.const !== undefined || p.enum?.length === 1);
    return literals.length > 0 && literals.every(([key, p]) => (p.const ?? p.enum?.[0]) === record[key]);
  });
}

function allowedKeys(parts: readonly (string | number)[], data: unknown): string[] {
  let value: unknown = data;
  let node = resolveNode(schemaRoot().root, value);
  for (const p of parts) {
    if (!node) return [];
    value = (value as Record<string | number, unknown> | undefined)?.[p];
    if (typeof p === 'number') node = resolveNode(node.items, value);
    else if (node.properties) node = resolveNode(node.properties[p], value);
    else if (typeof node.additionalProperties === 'object') node = resolveNode(node.additionalProperties, value);
    else return [];
  }
  return node?.properties ? Object.keys(node.properties) : [];
}
