// A scratch database per benchmark, created from the admin URL and dropped afterwards.
import pg from 'pg';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createScratchDatabase(adminUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  // BENCH_KEEP_DB=1 keeps the database for a closer look (EXPLAIN ANALYZE); the next run drops it.
  const keep = process.env.BENCH_KEEP_DB === '1';
  const name = keep ? `cs_bench_${label}_kept` : `cs_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      if (keep) {
        process.stderr.write(`[bench] kept database ${name}\n`);
        return;
      }
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
