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

// Slack incoming-webhook URLs carry their credential in the path.
const SLACK_WEBHOOK = /https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>]+/g;

/**
 * Values that are secret for the rest of the process (webhook URLs read from the environment):
 * once registered, every redact() call removes them, whoever calls it. Kept here, not passed around,
 * because the call sites that scrub text (errors, Terraform's stderr, the JSON lines) cannot all know
 * which webhooks the configuration named.
 */
const registered = new Set<string>();

/** Registers a secret value (and, for a URL, its path and query alone) for every later redact() call. */
export function registerSecret(value: string): void {
  if (value.length < 8) return;
  registered.add(value);
  try {
    const url = new URL(value);
    const tail = `${url.pathname}${url.search}`;
    if (tail.length >= 8) registered.add(tail);
  } catch {
    // not a URL: the value alone
  }
}

/** Removes secret-shaped text, every registered secret, and every exact value in `secrets` (e.g. from secretsFromEnv). */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  // Longest first, so a URL goes before its own path.
  for (const secret of [...registered, ...secrets].sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0))) {
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(SLACK_WEBHOOK, REDACTED)
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
