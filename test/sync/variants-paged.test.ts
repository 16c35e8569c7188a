// Every sync job against every schema variant of the simulator, paged dialect (the curl example's paging, uuid keys) (variants.ts).
import { expect, test } from 'vitest';
import { SCHEMA_PRESET_NAMES, SCHEMA_VARIANT_NAMES } from '../../src/simulator/index.js';
import { syncEveryJob } from './variants.js';

test('there are variants to run against', () => {
  expect(SCHEMA_VARIANT_NAMES.length).toBeGreaterThan(10);
});

test.each([...SCHEMA_VARIANT_NAMES, ...SCHEMA_PRESET_NAMES])('schema %s: every job stores exactly the world', async (schema) => {
  await syncEveryJob({ schema, dialect: 'paged' });
});
