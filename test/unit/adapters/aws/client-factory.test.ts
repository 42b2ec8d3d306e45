// Every AWS client curvectl makes comes from the one factory: region, adaptive retries, attempts
// and user agent are the same whichever adapter asks (the SDK modules load in-process; no call is sent).
import { describe, expect, it } from 'vitest';
import { awsClientConfig, packageVersion, sdkLoader } from '../../../../src/adapters/aws/client-factory.js';
import { DynamoDbStateStore } from '../../../../src/adapters/state/dynamodb.js';
import { AwsStateBootstrap } from '../../../../src/adapters/state/bootstrap-aws.js';

/** A resolved client setting: the SDK keeps some as values and some as providers. */
async function value(setting: unknown): Promise<unknown> {
  return typeof setting === 'function' ? (setting as () => Promise<unknown>)() : setting;
}

async function settingsOf(client: { config: unknown }) {
  const config = client.config as Record<string, unknown>;
  const strategy = (await value(config.retryStrategy)) as { mode?: string };
  return {
    region: await value(config.region),
    retryMode: strategy.mode,
    maxAttempts: await value(config.maxAttempts),
    userAgent: JSON.stringify(config.customUserAgent),
  };
}

const expected = (region: string) => ({ region, retryMode: 'adaptive', maxAttempts: 5, userAgent: expect.stringContaining(`curvectl/${packageVersion()}`) });

describe('AWS client factory', () => {
  it('builds the shared configuration', () => {
    expect(awsClientConfig({ region: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      maxAttempts: 5,
      retryMode: 'adaptive',
      customUserAgent: `curvectl/${packageVersion()}`,
    });
    expect(awsClientConfig({ maxAttempts: 2, userAgent: 'x/1' })).toEqual({ maxAttempts: 2, retryMode: 'adaptive', customUserAgent: 'x/1' });
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('loads the SDK once and configures its client', async () => {
    let imports = 0;
    const load = sdkLoader(
      async () => {
        imports += 1;
        return import('@aws-sdk/client-eks');
      },
      (sdk, c) => new sdk.EKSClient(c),
      { region: 'eu-central-1' },
    );
    const [a, b] = await Promise.all([load(), load()]);
    expect(a.client).toBe(b.client);
    expect(imports).toBe(1);
    expect(await settingsOf(a.client)).toEqual(expected('eu-central-1'));
  });

  it('is what the DynamoDB state store and the state bootstrap use', async () => {
    const store = new DynamoDbStateStore({ table: 't', region: 'ap-south-1' });
    const { client: ddb } = await (store as unknown as { load: () => Promise<{ client: { config: unknown } }> }).load();
    expect(await settingsOf(ddb)).toEqual(expected('ap-south-1'));

    const bootstrap = new AwsStateBootstrap() as unknown as Record<'s3' | 'ddb', (region: string) => Promise<{ client: { config: unknown } }>>;
    expect(await settingsOf((await bootstrap.s3('us-west-2')).client)).toEqual(expected('us-west-2'));
    expect(await settingsOf((await bootstrap.ddb('us-east-2')).client)).toEqual(expected('us-east-2'));
  });
});
