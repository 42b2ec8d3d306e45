/**
 * Request headers whose values come from environment variables (a bearer token, an API key), so no
 * secret is ever written in curvectl.yaml. The values are secrets: they are scrubbed from every
 * reason a gate reports, and a missing variable is named, never its would-be value.
 */
import { redact } from '../redact.js';

export type HeadersFromEnv = Readonly<Record<string, string>>;

export function resolveHeaders(
  fromEnv: HeadersFromEnv,
  environment: Readonly<Record<string, string | undefined>>,
): { readonly headers: Record<string, string>; readonly secrets: readonly string[] } | { readonly error: string } {
  const headers: Record<string, string> = {};
  for (const [header, variable] of Object.entries(fromEnv)) {
    const value = environment[variable];
    if (value === undefined || value === '') return { error: `environment variable ${variable} (for the ${header} header) is not set` };
    headers[header] = value;
  }
  return { headers, secrets: Object.values(headers) };
}

/** `text` without any of the header values (exact matches, and anything secret-shaped). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // redact() skips values shorter than 8 characters; a short API key is still a key.
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[REDACTED]');
  return redact(out);
}
