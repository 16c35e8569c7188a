// `npm run dashboards`: writes grafana/dashboards/*.json from grafana/dashboards.ts.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DASHBOARDS, dashboardJson } from './dashboards.js';

const dir = resolve(import.meta.dirname, '../../grafana/dashboards');
for (const [file, build] of Object.entries(DASHBOARDS)) {
  writeFileSync(resolve(dir, file), dashboardJson(build()));
  process.stdout.write(`grafana/dashboards/${file}\n`);
}
