/**
 * Credentials must never reach output or logs, even inside a subprocess's stderr or an SDK error
 * message. Everything curvectl prints about an error passes through here.
 */
const PATTERNS: readonly [RegExp, string][] = [
  // Access key ids (long-term AKIA, temporary ASIA).
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '$1****************'],
  // key=value / key: value forms of secrets and tokens.
  [/((?:aws_)?(?:secret_access_key|secret[_-]?key|session_token|security[_-]?token|password|token)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1****'],
  // Authorization headers and presigned-URL signatures.
  [/(Authorization:\s*)\S.*$/gim, '$1****'],
  [/(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s]+/g, '$1****'],
];

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('****');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The secret values present in an environment, to be scrubbed verbatim wherever they appear. */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']
    .map((k) => env[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 8);
}
