/**
 * Keeps credentials out of anything curvectl prints or records: error messages, stderr tails,
 * command lines. Applied to text that came from outside (subprocess output, SDK messages).
 * Deliberately greedy: a false positive costs a redacted word, a miss costs a leaked key.
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

export function scrubSecrets(text: string): string {
  return text
    .replace(ACCESS_KEY_ID, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_m, key: string) => `${key}${REDACTED}`)
    .replace(BARE_SECRET, REDACTED);
}
