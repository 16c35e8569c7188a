// What every command needs: the parsed configuration, a logger and (lazily) the database.
import { parseConfig, requireApi, type Config } from '../config.js';
import { createConnectClient, createLimiter, type ConnectClient } from '../connect/index.js';
import { createLogger, registerSecret, type Logger } from '../log.js';
import { openDatabase, type Database } from '../db/database.js';
import { upstreamSchemaStore } from '../db/upstream-schema.js';

export interface CommandContext {
  config: Config;
  logger: Logger;
  openDatabase(): Promise<Database>;
  /**
   * The CONNECT client with the process-wide limiter; `signal` aborts its requests on shutdown. With
   * `database`, what it learns about the server (schema, page sizes) is kept there for the next run.
   */
  createClient(signal?: AbortSignal, database?: Database): ConnectClient;
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
    createClient(signal, database) {
      const api = requireApi(config);
      return createConnectClient({
        url: api.url,
        apiKey: api.apiKey,
        timeoutMs: config.timeoutMs,
        pageSize: config.pageSize,
        limiter: createLimiter({ concurrency: config.concurrency, maxRps: config.maxRps }),
        logger,
        signal,
        schemaStore: database ? upstreamSchemaStore(database, api.url) : undefined,
      });
    },
  };
}
