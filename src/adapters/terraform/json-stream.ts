/**
 * Terraform's machine-readable UI (`plan -json`, `apply -json`, `destroy -json`): one JSON object per
 * line with a `type`. This turns the lines into TerraformProgress events for the core and collects
 * what curvectl needs afterwards: error diagnostics (which become the error message: never a regex
 * over human text), the change summary and the planned resource changes (a plan's whole summary:
 * `show -json` of the saved plan would tell the same for another 2-3 s of loading provider schemas).
 *
 * Format: https://developer.hashicorp.com/terraform/internals/machine-readable-ui
 */
import { CurvectlError } from '../../core/errors.js';
import type { ChangeSummary, StackName, TerraformProgress } from '../../core/ports.js';
import { redact as scrubSecrets } from '../../core/redact.js';

export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
  /** "file.tf:12" when Terraform gave a source range. */
  readonly location?: string;
}

/** The fields of a -json line that curvectl reads; everything else is ignored. */
export interface TerraformJsonMessage {
  readonly type: string;
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly diagnostic?: {
    severity?: string;
    summary?: string;
    detail?: string;
    address?: string;
    range?: { filename?: string; start?: { line?: number } };
  };
  readonly changes?: { add?: number; change?: number; remove?: number; import?: number; operation?: string };
  readonly change?: { resource?: { addr?: string; resource_type?: string }; action?: string };
  readonly hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
  readonly outputs?: Record<string, { sensitive?: boolean; type?: unknown; value?: unknown; action?: string }>;
  readonly terraform?: string;
}

/** One `planned_change` message: a resource instance the plan would act on. */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  /** Terraform's ChangeAction: create, update, delete, replace, read, move, import, remove, ... */
  readonly action: string;
}

/** Parses one line; undefined for blank lines and anything that is not a -json UI message. */
export function parseTerraformJsonLine(line: string): TerraformJsonMessage | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      return value as TerraformJsonMessage;
    }
  } catch {
    // not JSON: Terraform prints a few plain lines when it crashes; the caller keeps stderr.
  }
  return undefined;
}

export function diagnosticOf(message: TerraformJsonMessage): TerraformDiagnostic | undefined {
  const d = message.diagnostic;
  if (message.type !== 'diagnostic' || !d) return undefined;
  const severity = d.severity === 'error' ? 'error' : 'warning';
  const file = d.range?.filename;
  const line = d.range?.start?.line;
  return {
    severity,
    summary: scrubSecrets(d.summary ?? message['@message'] ?? 'Terraform reported a problem'),
    detail: scrubSecrets(d.detail ?? ''),
    ...(d.address ? { address: d.address } : {}),
    ...(file ? { location: line ? `${file}:${line}` : file } : {}),
  };
}

function summaryOf(message: TerraformJsonMessage): ChangeSummary | undefined {
  const c = message.changes;
  if (message.type !== 'change_summary' || !c) return undefined;
  return { add: c.add ?? 0, change: c.change ?? 0, remove: c.remove ?? 0 };
}

/** The TerraformProgress event for one message, or undefined for messages the operator need not see. */
export function toProgress(
  message: TerraformJsonMessage,
  context: { stack: StackName; workspace: string },
): TerraformProgress | undefined {
  const base = { stack: context.stack, workspace: context.workspace, type: message.type };
  const text = scrubSecrets(message['@message'] ?? message.type);
  switch (message.type) {
    case 'version':
      // "Terraform 1.11.4" says nothing about progress; the version is checked once elsewhere.
      return undefined;
    case 'planned_change':
    case 'apply_start':
    case 'apply_progress':
    case 'apply_complete':
    case 'apply_errored':
    case 'refresh_start':
    case 'refresh_complete':
    case 'resource_drift':
    case 'outputs':
      return { ...base, message: text };
    case 'change_summary': {
      const counts = summaryOf(message);
      return { ...base, message: text, ...(counts ? { counts } : {}) };
    }
    case 'diagnostic': {
      const d = diagnosticOf(message);
      if (!d) return undefined;
      return { ...base, message: d.detail ? `${d.severity}: ${d.summary}: ${firstLine(d.detail)}` : `${d.severity}: ${d.summary}` };
    }
    default:
      // log, test_*, provision_*, ephemeral_* ...: nothing the operator needs.
      return undefined;
  }
}

/**
 * Feeds lines (stdout of a -json command) and collects what matters. Also accepts stderr lines:
 * anything that is not JSON is kept as `otherLines` for the error fallback.
 */
export class TerraformJsonStream {
  readonly diagnostics: TerraformDiagnostic[] = [];
  readonly plannedChanges: PlannedChange[] = [];
  readonly otherLines: string[] = [];
  summary: ChangeSummary | undefined;
  outputs: TerraformJsonMessage['outputs'];

  constructor(
    private readonly context: { stack: StackName; workspace: string },
    private readonly onProgress?: (event: TerraformProgress) => void,
  ) {}

  get errors(): TerraformDiagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error');
  }

  readonly push = (line: string): void => {
    const message = parseTerraformJsonLine(line);
    if (!message) {
      if (line.trim() !== '') {
        this.otherLines.push(line);
        if (this.otherLines.length > 200) this.otherLines.shift();
      }
      return;
    }
    const diagnostic = diagnosticOf(message);
    if (diagnostic) this.diagnostics.push(diagnostic);
    const summary = summaryOf(message);
    if (summary) this.summary = summary;
    if (message.type === 'planned_change' && message.change?.resource?.addr && message.change.action && message.change.action !== 'noop') {
      const address = message.change.resource.addr;
      this.plannedChanges.push({ address, type: message.change.resource.resource_type ?? resourceTypeOf(address), action: message.change.action });
    }
    if (message.type === 'outputs' && message.outputs) this.outputs = message.outputs;
    const event = toProgress(message, this.context);
    if (event && this.onProgress) {
      try {
        this.onProgress(event);
      } catch {
        // A renderer's bug must not break the run.
      }
    }
  };

  /** Feeds a whole output at once (for tests and for buffered output). */
  pushAll(text: string): this {
    for (const line of text.split('\n')) this.push(line);
    return this;
  }
}

/**
 * The resource type in an address (`module.cluster.aws_eks_cluster.this` -> aws_eks_cluster), for a
 * planned_change without `resource_type`: decisions such as refusing to replace an EKS cluster go by
 * the type, so it is never left empty when the address says it.
 */
export function resourceTypeOf(address: string): string {
  // Drop `module.NAME` / `module.NAME[KEY]` prefixes; keys may hold dots inside quotes.
  const rest = address.replace(/^(?:module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.)+/, '');
  const parts = rest.split('.');
  return (parts[0] === 'data' ? parts[1] : parts[0]) ?? '';
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * The CurvectlError for a failed terraform command: the first error diagnostic's summary and
 * detail are the message; all diagnostics go into details. Without diagnostics (a crash, or a
 * command with no -json mode such as init), the stderr tail is the detail.
 */
export function terraformError(options: {
  /** A StackName, or the module directory's name for a run that has none. */
  readonly stack: string;
  readonly workspace?: string;
  readonly command: string;
  readonly diagnostics: readonly TerraformDiagnostic[];
  readonly stderrTail?: string;
  readonly exitCode?: number;
  readonly hint?: string;
  readonly cause?: unknown;
}): CurvectlError {
  const errors = options.diagnostics.filter((d) => d.severity === 'error');
  const where = options.workspace && options.workspace !== 'default'
    ? `the ${options.stack} stack (workspace ${options.workspace})`
    : `the ${options.stack} stack`;
  const first = errors[0];
  let message: string;
  if (first) {
    const detail = first.detail ? ` ${collapse(first.detail)}` : '';
    const at = first.address ? ` (${first.address})` : first.location ? ` (${first.location})` : '';
    message = `Terraform failed in ${where}: ${stripPeriod(first.summary)}${at}.${detail}`;
    if (errors.length > 1) message += ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})`;
  } else {
    // Only for the message's wording (never for a decision): Terraform's first "Error: ..." line
    // when there is one, else the last line it printed.
    const lines = (options.stderrTail ?? '')
      .split('\n')
      .map((l) => l.replace(/^[│╷╵]\s*/u, '').trim())
      .filter((l) => l !== '');
    const errorLine = lines.find((l) => l.startsWith('Error: '));
    const last = errorLine ? errorLine.slice('Error: '.length) : lines.at(-1);
    message = `Terraform failed in ${where}${options.exitCode !== undefined ? ` (exit code ${options.exitCode})` : ''}${last ? `: ${last}` : '.'}`;
  }
  return new CurvectlError('TERRAFORM', message, {
    hint: options.hint ?? `See the output above (or run again with --verbose); the command was: ${options.command}`,
    cause: options.cause,
    details: {
      command: options.command,
      ...(options.workspace ? { workspace: options.workspace } : {}),
      ...(options.exitCode !== undefined ? { exitCode: options.exitCode } : {}),
      diagnostics: options.diagnostics,
      ...(options.stderrTail ? { stderrTail: options.stderrTail } : {}),
    },
  });
}

function collapse(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 497)}...` : oneLine;
}

function stripPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}
