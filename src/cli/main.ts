// Command dispatch. Each command lives in its own file under src/cli/ and returns an exit code.
// Commands are imported when used, so the daemon never loads the simulator (graphql-yoga) or
// the report renderer.
import { createContext } from './context.js';
import { describeError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { COMMANDS, helpText } from './help.js';

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  migrate: async () => (await import('./migrate.js')).migrateCommand(createContext()),
  sync: async (argv) => (await import('./sync.js')).syncCommand(createContext(), argv),
  check: async (argv) => (await import('./check.js')).checkCommand(createContext(), argv),
  demo: async () => (await import('./demo.js')).demoCommand(createContext()),
  run: async (argv) => (await import('./run.js')).runCommand(createContext(), argv),
  'bi-role': async (argv) => (await import('./bi-role.js')).biRoleCommand(createContext(), argv),
  report: async (argv) => (await import('../analytics/command.js')).reportCommand(createContext(), argv),
};

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
      await (await import('../simulator/cli.js')).simulateCommand(rest);
      return Number(process.exitCode ?? EXIT.ok);
    }
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.map(([c]) => c.split(' ')[0]).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpText() + '\n');
      return EXIT.ok;
    }
    return await run(rest);
  } catch (err) {
    const { line, code } = describeError(err);
    process.stderr.write(line + '\n');
    return code;
  }
}
