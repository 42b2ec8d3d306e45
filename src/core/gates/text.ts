/** Gate reasons are one line: no control characters, no newlines, bounded length. */
export function oneLine(text: string, max = 240): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

/** The last non-empty line of a command's output, for a failure reason. */
export function lastLine(output: string): string {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? '';
}

export function percent(fraction: number): string {
  const value = fraction * 100;
  return `${Number.isInteger(value) ? value : value.toFixed(2)}%`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A URL as a reason shows it: scheme, host and path, never user info or a query (either may hold a secret). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
