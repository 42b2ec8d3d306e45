import path from 'node:path';
import { badInput } from '../../core/errors.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf, OptionsOf } from '../program.js';

export const needsConfig = false;

export async function run(ctx: Context, options: OptionsOf<'init'>, [target]: ArgsOf<'init'>): Promise<CommandResult> {
  const dir = path.resolve(ctx.cwd, target);
  // Checked and normalised by the tree's parsers (option-values.ts); what needs two flags is here.
  const { zone: z, record: r, ttl, region } = options;
  if (r === z || !r.endsWith(`.${z}`)) {
    throw badInput(`The record ${r} is not inside the zone ${z}: the weighted name must be a name under the zone, like api.${z}.`);
  }
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
  const result = await scaffold({ dir, configText, force: options.force === true });
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
function teamBackend({ backend, bucket, table }: OptionsOf<'init'>): { bucket: string; table: string } | undefined {
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
  return { bucket, table };
}
