/**
 * SDK errors -> CurvectlError, with a hint the operator can act on. Messages name the API action
 * ("route53:ChangeResourceRecordSets") and never include credentials (scrubbed anyway).
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

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CurvectlError('ENVIRONMENT', 'No AWS credentials were found.', {
      hint: 'Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login.',
      cause: err,
      details,
    });
  }
  if (/Region is missing/i.test(message)) {
    return new CurvectlError('ENVIRONMENT', 'No AWS region is configured.', {
      hint: 'Set region in curvectl.yaml, or AWS_REGION in the environment.',
      cause: err,
      details,
    });
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new CurvectlError('ENVIRONMENT', `AWS rejected the credentials (${name}) when calling ${action}.`, {
      hint: 'Refresh them (aws sso login, or new keys) and check which identity is used with aws sts get-caller-identity.',
      cause: err,
      details,
    });
  }
  if (ACCESS_DENIED.has(name) || (e.$metadata?.httpStatusCode === 403 && !THROTTLING.has(name))) {
    return new CurvectlError('AWS', `Access denied to ${action}.`, {
      hint: `Allow ${action} for the identity curvectl runs as (aws sts get-caller-identity shows which one).`,
      cause: err,
      details,
    });
  }
  if (THROTTLING.has(name) || e.$retryable?.throttling) {
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

/** Runs one SDK call and maps what it throws. */
export async function awsCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, action);
  }
}
