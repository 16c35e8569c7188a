// `connect-sync bi-role --name NAME [--password-file FILE]`: a read-only role for BI tools.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateDatabase } from '../db/migrate.js';
import { ensureBiRole, ROLE_NAME } from '../db/roles.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';

export async function biRoleCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, 'password-file': { type: 'string' } } });
  if (!values.name) throw new UsageError('bi-role needs --name NAME (the role BI tools log in as)');
  if (!ROLE_NAME.test(values.name)) throw new UsageError(`--name "${values.name}": use lower-case letters, digits and _ (at most 63)`);
  let password: string | undefined;
  if (values['password-file']) {
    try {
      password = readFileSync(values['password-file'], 'utf8').trim();
    } catch {
      throw new UsageError(`--password-file ${values['password-file']} cannot be read; give a readable file holding the password`);
    }
    if (!password) throw new UsageError(`--password-file ${values['password-file']} is empty`);
  }
  const database = await ctx.openDatabase();
  try {
    if (database.kind !== 'postgres') throw new UsageError('bi-role needs PostgreSQL: set DATABASE_URL (the embedded database has no roles)');
    await migrateDatabase(database, ctx.logger);
    const r = await ensureBiRole(database.db, values.name, password);
    process.stdout.write(
      `${r.created ? 'created' : 'updated'} role ${values.name} (${r.login ? 'can log in' : 'no login: grant it to a login role, or pass --password-file'}): ` +
        `SELECT on ${r.views.length} views of schema connect, EXECUTE on ${r.functions.length} functions; no access to tables (contacts, raw records)\n`,
    );
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
