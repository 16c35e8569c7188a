// CI guard: the drizzle schema and the committed migrations must agree. drizzle-kit's `check`
// validates the snapshots; `generate` in a scratch copy must find nothing to write.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'cs-migrations-'));
try {
  for (const entry of ['src', 'migrations', 'drizzle.config.ts', 'package.json', 'tsconfig.json']) {
    cpSync(join(root, entry), join(scratch, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  const kit = join(root, 'node_modules', '.bin', 'drizzle-kit');
  execFileSync(kit, ['check'], { cwd: scratch, stdio: 'inherit' });
  const before = readdirSync(join(scratch, 'migrations')).length;
  const out = execFileSync(kit, ['generate', '--name', 'drift'], { cwd: scratch, encoding: 'utf8' });
  const after = readdirSync(join(scratch, 'migrations')).length;
  if (after !== before) {
    console.error(out);
    console.error('src/db/schema.ts and migrations/ disagree: run `npm run db:generate` and commit the new migration.');
    process.exit(1);
  }
  console.log('schema and migrations agree');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
