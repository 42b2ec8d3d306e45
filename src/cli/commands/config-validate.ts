import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CurvectlError, ExitCode } from '../../core/errors.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf } from '../program.js';

export const needsConfig = false;

/**
 * `curvectl config validate [file]`: every problem of the file (not only the first), one per line as
 * file:line:column: path: message. Exit 0 when valid, 2 when not. The file defaults to the one every
 * other command would read (--config, CURVECTL_CONFIG, ./curvectl.yaml).
 */
export async function run(ctx: Context, _options: unknown, [given]: ArgsOf<'configValidate'>): Promise<CommandResult> {
  const { checkConfigText, formatProblem, resolveConfigPath } = await import('../../config/load.js');
  const file = given ? path.resolve(ctx.cwd, given) : resolveConfigPath({ path: ctx.globals.config, env: ctx.env, cwd: ctx.cwd });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CurvectlError('BAD_CONFIG', code === 'ENOENT' ? `No configuration at ${file}.` : `Cannot read ${file}: ${(err as Error).message}.`, {
      hint: 'Pass the file to check: curvectl config validate path/to/curvectl.yaml.',
      cause: err,
    });
  }
  const check = checkConfigText(text);
  const shown = path.relative(ctx.cwd, file) || file;
  if (check.problems.length === 0) {
    return { text: [`${shown}: valid.`], json: { file, valid: true, problems: [] } };
  }
  const count = check.problems.length;
  ctx.io.notify({ level: 'error', code: 'config.invalid', text: `${shown}: ${count} problem${count === 1 ? '' : 's'}.` });
  return {
    text: check.problems.map((p) => formatProblem(shown, p)),
    json: { file, valid: false, problems: check.problems },
    exitCode: ExitCode.badInput,
  };
}
