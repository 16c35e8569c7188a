// Command dispatch. Each command lives in its own file under src/cli/ and returns an exit code.
import { createContext } from './context.js';
import { describeError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { COMMANDS, helpText } from './help.js';
import { migrateCommand } from './migrate.js';
import { syncCommand } from './sync.js';
import { checkCommand } from './check.js';
import { biRoleCommand } from './bi-role.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { simulateCommand } from '../simulator/cli.js';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(helpText() + '\n');
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write('connect-sync 0.1.0\n');
    return EXIT.ok;
  }
  try {
    // The simulator has its own options and --help.
    if (command === 'simulate') {
      await simulateCommand(rest);
      return Number(process.exitCode ?? EXIT.ok);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpText() + '\n');
      return EXIT.ok;
    }
    switch (command) {
      case 'migrate':
        return await migrateCommand(createContext());
      case 'sync':
        return await syncCommand(createContext(), rest);
      case 'check':
        return await checkCommand(createContext(), rest);
      case 'demo':
        return await demoCommand(createContext());
      case 'run':
        return await runCommand(createContext(), rest);
      case 'bi-role':
        return await biRoleCommand(createContext(), rest);

      default:
        throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.map(([c]) => c).join(', ')}`);
    }
  } catch (err) {
    const { line, code } = describeError(err);
    process.stderr.write(line + '\n');
    return code;
  }
}
