// What every command needs: the parsed configuration, a logger and (lazily) the database.
import { parseConfig, type Config } from '../config.js';
import { createLogger, registerSecret, type Logger } from '../log.js';
import { openDatabase, type Database } from '../db/database.js';

export interface CommandContext {
  config: Config;
  logger: Logger;
  openDatabase(): Promise<Database>;
}

export function createContext(env?: NodeJS.ProcessEnv): CommandContext {
  const config = parseConfig(env);
  registerSecret(config.connectApiKey);
  // Logs go to stderr so that command output (reports, CSV) on stdout stays clean.
  const logger = createLogger({ level: config.logLevel });
  return {
    config,
    logger,
    openDatabase: () => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, logger),
  };
}
