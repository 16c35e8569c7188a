import { migrateDatabase } from '../db/migrate.js';
import type { CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';

export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const database = await ctx.openDatabase();
  try {
    const result = await migrateDatabase(database, ctx.logger);
    process.stdout.write(
      result.applied
        ? `applied ${result.applied} migration(s); schema "connect" is up to date in ${database.location}\n`
        : `nothing to do; schema "connect" is up to date in ${database.location}\n`,
    );
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
