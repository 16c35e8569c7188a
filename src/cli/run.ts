// `connect-sync run`: the daemon, until SIGTERM/SIGINT.
import { startDaemon } from '../daemon/daemon.js';
import { onShutdownSignal } from '../daemon/signals.js';
import { requireApi } from '../config.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';

export async function runCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  if (argv.length > 0) throw new UsageError(`run takes no arguments (configure it with environment variables), got "${argv.join(' ')}"`);
  const controller = new AbortController();
  requireApi(ctx.config); // a missing API setting is reported before the database is opened
  const database = await ctx.openDatabase();
  const client = ctx.createClient(controller.signal, database);
  let daemon;
  try {
    daemon = await startDaemon({ config: ctx.config, database, client, controller, logger: ctx.logger });
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  await new Promise<void>((resolve) => {
    const off = onShutdownSignal(
      (signal) => {
        void daemon.stop(`received ${signal}`).then(() => {
          off();
          resolve();
        });
      },
      (signal) => {
        ctx.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(EXIT.failed);
      },
    );
  });
  return EXIT.ok;
}
