/**
 * SDK errors -> CurvectlError, with a hint the operator can act on. Messages name the API action
 * ("route53:ChangeResourceRecordSets") and never include credentials (scrubbed anyway).
 *
 * Errors are classified by what the SDK gives as structure, never by their message text: the error
 * name (the service's error code, "ThrottlingException"), `$metadata.httpStatusCode`, `$retryable`
 * and, for network failures, Node's `code` (AWS SDK for JavaScript v3 developer guide, "Handling errors").
 * The one SDK error with no structure at all is the region resolver's plain `Error("Region is
 * missing")` (@smithy/core resolveRegionConfig): `isMissingRegion` recognises it by that exact,
 * whole message on an error with no name, code or metadata, which is all the SDK gives.
 */
import { CurvectlError, isCurvectlError } from '../../core/errors.js';
import { redact as scrubSecrets } from '../../core/redact.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'PriorRequestNotComplete',
  'SlowDown',
  'LimitExceededException',
]);

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'NotAuthorized']);

const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

/** HTTP statuses that mean "slow down" whatever the service calls the error. */
const THROTTLING_STATUS = new Set([429]);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The error's name as AWS reports it ("AccessDenied", "Throttling", ...). */
export function awsErrorName(err: unknown): string {
  const e = (err ?? {}) as SdkErrorLike;
  return e.name ?? e.Code ?? e.code ?? 'Error';
}

/**
 * Maps anything a client call threw. `action` is the IAM action, e.g. "eks:DescribeCluster".
 * CurvectlErrors and aborts pass through unchanged.
 */
export function mapAwsError(err: unknown, action: string): unknown {
  if (isCurvectlError(err)) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const name = awsErrorName(err);
  if (name === 'AbortError') return err;
  const message = scrubSecrets(String(e.message ?? name)).split('\n')[0] ?? name;
  const details = {
    action,
    awsError: name,
    ...(e.$metadata?.httpStatusCode ? { httpStatusCode: e.$metadata.httpStatusCode } : {}),
    ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}),
  };

  if (name === 'CredentialsProviderError') {
    return new CurvectlError('ENVIRONMENT', 'No AWS credentials were found.', {
      hint: 'Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login.',
      cause: err,
      details,
    });
  }
  if (isMissingRegion(err)) return missingRegionError(err, details);
  if (BAD_CREDENTIALS.has(name)) {
    return new CurvectlError('ENVIRONMENT', `AWS rejected the credentials (${name}) when calling ${action}.`, {
      hint: 'Refresh them (aws sso login, or new keys) and check which identity is used with aws sts get-caller-identity.',
      cause: err,
      details,
    });
  }
  const status = e.$metadata?.httpStatusCode;
  if (ACCESS_DENIED.has(name) || (status === 403 && !THROTTLING.has(name))) {
    return new CurvectlError('AWS', `Access denied to ${action}.`, {
      hint: `Allow ${action} for the identity curvectl runs as (aws sts get-caller-identity shows which one).`,
      cause: err,
      details,
    });
  }
  if (THROTTLING.has(name) || e.$retryable?.throttling || (status !== undefined && THROTTLING_STATUS.has(status))) {
    return new CurvectlError('AWS', `AWS kept throttling ${action} after retrying (${name}).`, {
      hint: 'Wait a minute and run the command again; other tools may be using the same account quota.',
      cause: err,
      details,
    });
  }
  const code = (err as { code?: string } | null)?.code;
  if (code && NETWORK.has(code)) {
    return new CurvectlError('AWS', `Could not reach AWS for ${action}: ${message}`, {
      hint: 'Check the network connection (and any proxy or AWS_ENDPOINT_URL setting).',
      cause: err,
      details,
    });
  }
  return new CurvectlError('AWS', `${action} failed: ${name}: ${message}`, { cause: err, details });
}

/** No region in the configuration, the environment or the profile. */
export function missingRegionError(cause?: unknown, details?: Record<string, unknown>): CurvectlError {
  return new CurvectlError('ENVIRONMENT', 'No AWS region is configured.', {
    hint: 'Set region in curvectl.yaml, or AWS_REGION in the environment.',
    ...(cause === undefined ? {} : { cause }),
    ...(details ? { details } : {}),
  });
}

/** The SDK region resolver's error: a plain Error, nothing but this exact message (see the top of this file). */
export function isMissingRegion(err: unknown): boolean {
  if (!(err instanceof Error) || err.name !== 'Error') return false;
  const e = err as SdkErrorLike;
  return err.message === 'Region is missing' && e.$metadata === undefined && e.code === undefined;
}

/** The HTTP status of the response an SDK error came from; undefined when there was none. */
export function httpStatusOf(err: unknown): number | undefined {
  return ((err ?? {}) as SdkErrorLike).$metadata?.httpStatusCode;
}

/** Runs one SDK call and maps what it throws. */
export async function awsCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, action);
  }
}
