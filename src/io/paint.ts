/**
 * Colour, decided once per run: off with --no-color, NO_COLOR (any non-empty value, no-color.org),
 * FORCE_COLOR=0, or when stderr is not a TTY; chalk otherwise.
 */
import { Chalk } from 'chalk';
import { plain, type Paint } from './render.js';

export function colourEnabled(options: { noColor: boolean; env: Record<string, string | undefined>; isTTY: boolean }): boolean {
  if (options.noColor) return false;
  if (options.env.NO_COLOR !== undefined && options.env.NO_COLOR !== '') return false;
  if (options.env.FORCE_COLOR === '0') return false;
  return options.isTTY;
}

export function makePaint(enabled: boolean): Paint {
  if (!enabled) return plain;
  const chalk = new Chalk({ level: 1 });
  return {
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    green: (t) => chalk.green(t),
    yellow: (t) => chalk.yellow(t),
    red: (t) => chalk.red(t),
    cyan: (t) => chalk.cyan(t),
  };
}
