import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations from src/db/schema.ts into migrations/.
// Custom SQL (exclusion constraint, views, seed rows) goes in `drizzle-kit generate --custom` files.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  schemaFilter: ['connect'],
  migrations: { schema: 'connect', table: 'schema_migrations' },
});
