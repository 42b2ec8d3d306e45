import { badInput } from './errors.js';

/** "0s", "30s", "5m", "1h30m", "250ms". Plain numbers are refused: "10" could mean seconds or minutes. */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h))+$/;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) {
    throw badInput(`"${trimmed}" is not a valid ${what}: use a number with a unit, like 30s, 5m, 1h or 0s.`);
  }
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)(ms|s|m|h)/g)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return total;
}

/** 95000 -> "1m35s"; for countdowns and messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return ms <= 0 ? '0s' : `${Math.round(ms)}ms`;
  let seconds = Math.ceil(ms / 1000);
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  seconds -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${seconds || (!h && !m) ? `${seconds}s` : ''}`;
}
