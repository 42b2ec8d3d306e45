import path from 'node:path';
import { badInput } from '../../core/errors.js';
import { isValidDnsName, normaliseDnsName, printable } from '../../core/names.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = false;

export async function run(ctx: Context, options: Record<string, unknown>, args: readonly unknown[]): Promise<CommandResult> {
  const dir = path.resolve(ctx.cwd, String(args[0] ?? '.'));
  const zone = String(options.zone);
  const record = String(options.record);
  if (!isValidDnsName(zone)) throw badInput(`"${printable(zone)}" is not a valid zone name: use a DNS name like example.com.`);
  if (!isValidDnsName(record)) throw badInput(`"${printable(record)}" is not a valid record name: use a DNS name like api-origin.example.com.`);
  const z = normaliseDnsName(zone);
  const r = normaliseDnsName(record);
  if (r === z || !r.endsWith(`.${z}`)) {
    throw badInput(`The record ${r} is not inside the zone ${z}: the weighted name must be a name under the zone, like api.${z}.`);
  }
  const ttlText = String(options.ttl ?? '60');
  const ttl = Number(ttlText);
  if (!/^\d+$/.test(ttlText) || ttl > 86400) throw badInput(`"${printable(ttlText)}" is not a valid TTL: use whole seconds from 0 to 86400 (60 or less is advised).`);
  const region = options.region === undefined ? undefined : String(options.region);
  const team = teamBackend(options);

  const { renderDefaultConfig } = await import('../../config/load.js');
  const { scaffold } = await import('../../config/scaffold.js');
  const configText = renderDefaultConfig({ zone: z, record: r, ttl, ...(region ? { region } : {}), ...(team ? { team } : {}) });
  // Validate what we are about to write with the same loader every other command uses.
  const { parseConfigText } = await import('../../config/load.js');
  parseConfigText(configText, path.join(dir, 'curvectl.yaml'));

  if (ctx.globals.dryRun) {
    return {
      text: [`Would write ${path.join(dir, 'curvectl.yaml')} and ${path.join(dir, 'terraform')}/ (modules and stacks).`, '', configText],
      json: { dryRun: true, dir, config: path.join(dir, 'curvectl.yaml'), terraform: path.join(dir, 'terraform') },
    };
  }
  const result = await scaffold({ dir, configText, force: Boolean(options.force) });
  ctx.io.notify({ level: 'success', code: 'init.done', text: `Wrote ${result.configPath} and ${result.terraformDir}/` });
  const rel = path.relative(ctx.cwd, dir) || '.';
  return {
    text: [
      `Initialised ${rel}: curvectl.yaml and terraform/ (cluster, platform and traffic stacks).`,
      ...(team ? [`Terraform state goes to the S3 bucket ${team.bucket}; the lock and the journal to the DynamoDB table ${team.table}.`] : []),
      'Next:',
      `  cd ${rel}`,
      ...(team ? ['  curvectl state bootstrap              # once per team: creates the bucket and the table'] : []),
      '  curvectl cluster create cluster-a     # the first cluster gets all the traffic',
      '  curvectl status',
    ],
    json: {
      dir,
      config: result.configPath,
      terraform: result.terraformDir,
      zone: z,
      record: r,
      ttl,
      backend: team ? { type: 's3', bucket: team.bucket, table: team.table } : { type: 'local' },
    },
  };
}

/** --backend s3 --bucket B --table T; undefined for the local default. */
function teamBackend(options: Record<string, unknown>): { bucket: string; table: string } | undefined {
  const backend = String(options.backend ?? 'local');
  const bucket = options.bucket === undefined ? undefined : String(options.bucket);
  const table = options.table === undefined ? undefined : String(options.table);
  if (backend !== 's3') {
    if (bucket !== undefined || table !== undefined) {
      throw badInput('--bucket and --table go with --backend s3: add --backend s3, or leave them out for local state.');
    }
    return undefined;
  }
  if (bucket === undefined || table === undefined) {
    throw badInput(
      '--backend s3 needs --bucket (Terraform state) and --table (lock and journal).',
      'For example: curvectl init --backend s3 --bucket my-team-tf-state --table curvectl --zone example.com --record api-origin.example.com',
    );
  }
  // S3's rules for new buckets: 3-63 lowercase letters, digits, dots and hyphens, no "..", not an IP address.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw badInput(`"${printable(bucket)}" is not a valid S3 bucket name: use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.`);
  }
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
    throw badInput(`"${printable(table)}" is not a valid DynamoDB table name: use 3-255 letters, digits, underscores, dots and hyphens.`);
  }
  return { bucket, table };
}
