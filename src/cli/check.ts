import { checkCommand as runCheck } from '../connect/check.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';

export async function checkCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  if (argv.length > 0) throw new UsageError(`check takes no arguments, got "${argv.join(' ')}"`);
  return runCheck(ctx.config, ctx.logger);
}
