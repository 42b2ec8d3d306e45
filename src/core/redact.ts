/**
 * Keeps credentials out of anything curvectl prints or records: error messages, Terraform's stderr,
 * SDK messages, command lines. Applied to every text that came from outside and, once more, to
 * everything the CLI prints about an error. Deliberately greedy: a false positive costs a redacted
 * word, a miss costs a leaked key.
 */
const REDACTED = '[REDACTED]';

// Access key ids: AKIA (long-term), ASIA (temporary) and the other documented prefixes.
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/g;

// key=value / key: value / "key": "value" where the key names a secret.
const SECRET_ASSIGNMENT =
  /((?:aws_?)?(?:secret_?access_?key|session_?token|security_?token|secret_?key|access_?key|password|secret|token)["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi;

// A bare 40-character base64 token (the shape of a secret access key) that is not plain hex
// (hex strings of that length are usually commit or content hashes, which are harmless).
const BARE_SECRET = /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

// Authorization headers and presigned-URL signatures.
const AUTHORIZATION = /(Authorization:\s*)\S.*$/gim;
const SIGNED_QUERY = /(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s]+/g;

/** Removes secret-shaped text, and every exact value in `secrets` (e.g. from secretsFromEnv). */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(ACCESS_KEY_ID, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_m, key: string) => `${key}${REDACTED}`)
    .replace(BARE_SECRET, REDACTED)
    .replace(AUTHORIZATION, `$1${REDACTED}`)
    .replace(SIGNED_QUERY, `$1${REDACTED}`);
}

/** The secret values present in an environment, to be scrubbed verbatim wherever they appear. */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID']
    .map((k) => env[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 8);
}
