/**
 * Conditions on a gate's number ("< 0.01", ">= 0.99", "between 0.95 and 1"), shared by the
 * prometheus and web gates. Parsed once at load; a condition that cannot be parsed is a
 * configuration error naming what is allowed.
 */
export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Condition =
  | { readonly op: Comparison; readonly value: number; readonly text: string }
  | { readonly op: 'between'; readonly low: number; readonly high: number; readonly text: string };

const NUMBER = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
const COMPARISON = new RegExp(`^(<=|>=|==|!=|<|>)\\s*${NUMBER}$`);
const BETWEEN = new RegExp(`^between\\s+${NUMBER}\\s+and\\s+${NUMBER}$`, 'i');

export const CONDITION_HELP = 'expected a condition like "< 0.01", ">= 0.99" (one of <, <=, >, >=, ==, != and a number) or "between 0.9 and 1"';

/** The condition, or a sentence saying what is wrong with it. */
export function parseCondition(text: string): Condition | { readonly error: string } {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const cmp = COMPARISON.exec(trimmed);
  if (cmp) return { op: cmp[1] as Comparison, value: Number(cmp[2]), text: `${cmp[1]} ${Number(cmp[2])}` };
  const between = BETWEEN.exec(trimmed);
  if (between) {
    const low = Number(between[1]);
    const high = Number(between[2]);
    if (low > high) return { error: `"between ${low} and ${high}": the lower bound comes first` };
    return { op: 'between', low, high, text: `between ${low} and ${high}` };
  }
  return { error: CONDITION_HELP };
}

/** Whether `value` meets the condition. NaN meets none (not even "!="): an undefined number shows nothing. */
export function holds(condition: Condition, value: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (condition.op) {
    case '<':
      return value < condition.value;
    case '<=':
      return value <= condition.value;
    case '>':
      return value > condition.value;
    case '>=':
      return value >= condition.value;
    case '==':
      return value === condition.value;
    case '!=':
      return value !== condition.value;
    case 'between':
      return value >= condition.low && value <= condition.high;
  }
}

/** A number as a reason shows it: up to 6 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
