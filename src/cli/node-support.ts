/**
 * Supported Node.js lines. The AWS SDK for JavaScript v3 announces, in an eight-line
 * NodeVersionSupportWarning on the first client it builds, that its releases from January 2027 need
 * Node.js 22; curvectl supports the lines in support today (22 and 24, see package.json "engines").
 * On an older Node, curvectl says so itself in one line, once per process, and switches the SDK's
 * own warning off for this process (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, which the SDK
 * reads when a client is built). Anyone who already set that variable has chosen silence: kept.
 */
export const MINIMUM_NODE_MAJOR = 22;
export const SUPPORTED_NODE_LINES = '22 and 24';
const SDK_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The one line for this Node version, or undefined when it is supported. */
export function nodeSupportLine(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ''), 10);
  if (!Number.isFinite(major) || major >= MINIMUM_NODE_MAJOR) return undefined;
  return `curvectl: warning: Node.js ${version} is not supported (curvectl supports Node.js ${SUPPORTED_NODE_LINES}; AWS SDK releases from January 2027 need 22 or later): upgrade Node.js.`;
}

let noticed = false;

/** Prints the line on stderr (once) and silences the SDK's own warning; a no-op on a supported Node. */
export function noticeNodeSupport(
  env: Record<string, string | undefined> = process.env,
  version: string = process.version,
  write: (text: string) => void = (text) => process.stderr.write(text),
): void {
  if (noticed) return;
  noticed = true;
  const line = nodeSupportLine(version);
  if (line === undefined) return;
  if (env[SDK_SWITCH] === 'true') return;
  env[SDK_SWITCH] = 'true';
  write(`${line}\n`);
}
