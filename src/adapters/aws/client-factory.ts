/**
 * The one place AWS SDK clients are configured. Every adapter (Route 53, EKS, ELBv2, CloudWatch,
 * the DynamoDB state store and desired weights, the state bootstrap's S3 and DynamoDB) gets its
 * client from `sdkLoader`, so they all share:
 * - region: the configured one, else the SDK's own chain (AWS_REGION, AWS_DEFAULT_REGION, profile);
 * - credentials and endpoints: the SDK's default provider chain only (an emulator is reached only
 *   through the SDK's own AWS_ENDPOINT_URL handling: nothing here knows about one);
 * - retries: the standard strategy in the SDK's adaptive mode (client-side rate limiting on top of
 *   backoff, which Route 53's per-account throttling calls for), 5 attempts by default
 *   (AWS SDK for JavaScript v3 developer guide, "Retry strategy"; SDKs and Tools reference guide, "Retry behavior");
 * - the user agent curvectl/<version>.
 * Each SDK module is loaded with a dynamic import() the first time a call needs it, so commands
 * that never talk to AWS (and start-up) never load the SDK.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AwsClientSettings {
  /** Default: the SDK's chain. */
  readonly region?: string;
  /** Attempts per call including the first; default 5. */
  readonly maxAttempts?: number;
  /** Default "curvectl/<package version>". */
  readonly userAgent?: string;
}

/** What every SDK client is constructed with. */
export interface AwsClientConfig {
  region?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  customUserAgent: string;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export function awsClientConfig(settings: AwsClientSettings = {}): AwsClientConfig {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'adaptive',
    customUserAgent: settings.userAgent ?? `curvectl/${packageVersion()}`,
  };
}

/** An SDK module and one client of it, loaded on first use. Tests pass loaders that return mocks. */
export type SdkLoader<Sdk, Client> = () => Promise<{ sdk: Sdk; client: Client }>;

/**
 * A memoised loader: imports the SDK module and builds its client with the shared configuration,
 * e.g. `sdkLoader(() => import('@aws-sdk/client-eks'), (sdk, c) => new sdk.EKSClient(c), settings)`.
 */
export function sdkLoader<Sdk, Client>(
  importSdk: () => Promise<Sdk>,
  makeClient: (sdk: Sdk, config: AwsClientConfig) => Client,
  settings: AwsClientSettings = {},
): SdkLoader<Sdk, Client> {
  const config = awsClientConfig(settings);
  return lazy(async () => {
    const sdk = await importSdk();
    return { sdk, client: makeClient(sdk, config) };
  });
}

/** One memoised loader per region (the state bootstrap may touch a bucket and tables in different regions). */
export function perRegion<T>(make: (region: string | undefined) => () => Promise<T>): (region: string | undefined) => Promise<T> {
  const cache = new Map<string, () => Promise<T>>();
  return (region) => {
    const key = region ?? '';
    let get = cache.get(key);
    if (!get) {
      get = make(region);
      cache.set(key, get);
    }
    return get();
  };
}

/** Memoises an async factory; a failed load is retried next time. */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((err: unknown) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}

let cachedVersion: string | undefined;
/** The version in package.json (src/adapters/aws and dist/adapters/aws are both three levels down). */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const file = fileURLToPath(new URL('../../../package.json', import.meta.url));
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      cachedVersion = typeof parsed.version === 'string' ? parsed.version : '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}
