// The read-only role for BI tools: it may read the views of schema `connect` (which expose no
// personal data and no raw records) and call its report functions — never the tables.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';

export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface BiRoleResult {
  created: boolean;
  login: boolean;
  views: string[];
  functions: string[];
}

export async function ensureBiRole(db: Executor, name: string, password: string | undefined): Promise<BiRoleResult> {
  if (!ROLE_NAME.test(name)) throw new Error(`role name "${name}" must be lower-case letters, digits and _ (at most 63)`);
  const role = sql.identifier(name);
  const existing = await rows<{ n: number }>(db, sql`select count(*)::int as n from pg_roles where rolname = ${name}`);
  const created = existing[0]!.n === 0;
  if (created) await db.execute(sql`create role ${role}`);
  // ALTER ROLE takes no parameters: format() quotes the password as a literal on the server.
  const [alter] = await rows<{ stmt: string }>(
    db,
    password === undefined
      ? sql`select format('alter role %I with nologin nosuperuser nocreatedb nocreaterole noinherit', ${name}::text) as stmt`
      : sql`select format('alter role %I with login nosuperuser nocreatedb nocreaterole noinherit password %L', ${name}::text, ${password}::text) as stmt`,
  );
  await db.execute(sql.raw(alter!.stmt));
  await db.execute(sql`revoke all on all tables in schema connect from ${role}`);
  await db.execute(sql`revoke all on all sequences in schema connect from ${role}`);
  await db.execute(sql`grant usage on schema connect to ${role}`);
  const views = (await rows<{ name: string }>(db, sql`select table_name as name from information_schema.views where table_schema = 'connect' order by 1`)).map((r) => r.name);
  for (const view of views) await db.execute(sql`grant select on ${sql.identifier('connect')}.${sql.identifier(view)} to ${role}`);
  const functions = (
    await rows<{ sig: string }>(
      db,
      sql`select p.oid::regprocedure::text as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'connect' and p.prokind = 'f' order by 1`,
    )
  ).map((r) => r.sig);
  // The name matched ROLE_NAME and the signatures come from the server: safe to splice.
  for (const fn of functions) await db.execute(sql.raw(`grant execute on function ${fn} to "${name}"`));
  return { created, login: password !== undefined, views, functions };
}
