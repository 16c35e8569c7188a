// Obtains a real PostgreSQL for the whole test run and migrates a template database once;
// every test file then copies the template (test/helpers/database.ts), so files run in parallel.
//   1. TEST_DATABASE_URL or DATABASE_URL when set;
//   2. otherwise a testcontainers PostgreSQL when a container runtime answers;
//   3. otherwise stop with a message that says how to get one.
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

const POSTGRES_IMAGE = 'postgres:16-alpine';

function containerRuntimeAnswers(): boolean {
  // Cheap probe: a socket or DOCKER_HOST; testcontainers itself is only imported when this says yes.
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock') || existsSync(`${process.env.HOME}/.docker/run/docker.sock`);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopContainer: (() => Promise<unknown>) | undefined;
  if (adminUrl) {
    if (!(await canConnect(adminUrl))) {
      throw new Error(
        `Cannot connect to the test database at ${adminUrl.replace(/:[^:@/]+@/, ':***@')}. Start PostgreSQL ` +
          `(on this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or fix TEST_DATABASE_URL.`,
      );
    }
  } else if (containerRuntimeAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
    adminUrl = container.getConnectionUri();
    stopContainer = () => container.stop();
  } else {
    throw new Error(
      'The tests need a real PostgreSQL. Set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres), ' +
        'or run a container runtime (Docker) so testcontainers can start ' + POSTGRES_IMAGE + '.',
    );
  }

  const template = `connect_sync_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const database = await openDatabase({ databaseUrl: templateUrl, poolSize: 1 }, silentLogger);
  try {
    await migrateDatabase(database, silentLogger);
  } finally {
    await database.close();
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`).catch(() => {});
    await admin.end();
    await stopContainer?.();
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
