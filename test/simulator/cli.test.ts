// Flag parsing of `connect-sync simulate`.
import { afterEach, expect, test, vi } from 'vitest';
import { SIMULATE_USAGE, UsageError, parseSimulateArgs, simulateCommand } from '../../src/simulator/cli.js';
import { SCHEMA_PRESETS, SCHEMA_PRESET_NAMES, SCHEMA_VARIANTS } from '../../src/simulator/index.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

test('defaults of the command line', () => {
  const { options, help, verbose } = parseSimulateArgs([]);
  expect(help).toBe(false);
  expect(verbose).toBe(false);
  expect(options).toEqual({ port: 4000, chargepoints: 500, contacts: 200, speed: 60, faults: {} });
});

test('every flag maps to its option', () => {
  const { options, verbose } = parseSimulateArgs([
    '--port', '0', '--chargepoints', '10', '--contacts', '3', '--seed', '7', '--speed', '0',
    '--dialect', 'paged', '--api-key', 'k1', '--start-time', '2026-05-01T00:00:00Z',
    '--latency-ms', '5', '--jitter-ms', '2.5', '--error-rate', '0.1', '--rate-limit-rps', '50', '--retry-after-s', '3',
    '--graphql-error-rate', '0.05', '--drop-rate', '0.01', '--page-cap', '25', '--null-rate', '0.02', '--unknown-status-rate', '0.03',
    '--verbose',
  ]);
  expect(verbose).toBe(true);
  expect(options).toEqual({
    port: 0,
    chargepoints: 10,
    contacts: 3,
    seed: 7,
    speed: 0,
    dialect: 'paged',
    apiKey: 'k1',
    startTime: new Date('2026-05-01T00:00:00Z'),
    faults: {
      latencyMs: 5,
      jitterMs: 2.5,
      errorRate: 0.1,
      rateLimitRps: 50,
      retryAfterS: 3,
      graphqlErrorRate: 0.05,
      dropRate: 0.01,
      pageCap: 25,
      nullRate: 0.02,
      unknownStatusRate: 0.03,
    },
  });
});

test.each([
  [['--port', 'abc'], '--port: expected an integer between 0 and 65535, got "abc"'],
  [['--port', '70000'], '--port: expected an integer between 0 and 65535, got "70000"'],
  [['--error-rate', '1.5'], '--error-rate: expected a number between 0 and 1, got "1.5"'],
  [['--drop-rate=-0.1'], '--drop-rate: expected a number between 0 and 1, got "-0.1"'],
  [['--page-cap', '2.5'], '--page-cap: expected an integer >= 0, got "2.5"'],
  [['--speed', 'fast'], '--speed: expected a number >= 0, got "fast"'],
  [['--dialect', 'cursor'], '--dialect: expected offset or paged, got "cursor"'],
  [['--start-time', 'yesterday'], '--start-time: expected an ISO date-time such as 2026-01-01T00:00:00Z, or "now", got "yesterday"'],
  [['--chargepoints', ''], '--chargepoints: expected an integer between 0 and 10000000, got ""'],
])('%j is refused with one line naming the flag', (argv, message) => {
  expect(() => parseSimulateArgs(argv)).toThrow(new UsageError(message));
});

test('unknown flags and positionals are usage errors', () => {
  expect(() => parseSimulateArgs(['--bogus'])).toThrow(UsageError);
  expect(() => parseSimulateArgs(['extra'])).toThrow(UsageError);
  expect(() => parseSimulateArgs(['--drop-rate', '-0.1'])).toThrow(/--drop-rate/);
});

test('simulateCommand: a bad flag prints one line and sets exit code 2', async () => {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await simulateCommand(['--error-rate', 'x']);
  expect(process.exitCode).toBe(2);
  expect(err).toHaveBeenCalledTimes(1);
  const line = String(err.mock.calls[0]![0]);
  expect(line).toMatch(/^connect-sync simulate: --error-rate: expected a number between 0 and 1, got "x"/);
  expect(line.trim().split('\n')).toHaveLength(1);
});

test('simulateCommand --help prints the usage', async () => {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  await simulateCommand(['--help']);
  expect(out).toHaveBeenCalledWith(SIMULATE_USAGE);
  expect(SIMULATE_USAGE).toMatch(/--unknown-status-rate/);
  expect(process.exitCode).toBeUndefined();
});

test('--schema takes variants and presets, and names the valid ones when wrong', () => {
  expect(parseSimulateArgs(['--schema', 'status-enum,location-noid']).options.schema).toEqual(['location-noid', 'status-enum']);
  expect(parseSimulateArgs(['--schema', 'closed']).options.schema).toEqual(SCHEMA_PRESETS.closed);
  expect(parseSimulateArgs([]).options.schema).toBeUndefined();
  expect(() => parseSimulateArgs(['--schema', 'location-flat'])).toThrow(UsageError);
  expect(() => parseSimulateArgs(['--schema', 'location-flat'])).toThrow(
    /^--schema: unknown schema variant "location-flat"; valid variants: location-noid, location-nested, .*; presets: default, /,
  );
  expect(() => parseSimulateArgs(['--schema', 'status-enum,status-string'])).toThrow('--schema: schema variants status-enum and status-string exclude each other');
});

test('--help lists every schema variant and preset, one line each', () => {
  for (const v of SCHEMA_VARIANTS) expect(SIMULATE_USAGE).toContain(`  ${v.name.padEnd(25)}${v.description}\n`);
  for (const p of SCHEMA_PRESET_NAMES) expect(SIMULATE_USAGE).toMatch(new RegExp(`^  ${p} +\\S`, 'm'));
  expect(SIMULATE_USAGE).toMatch(/--schema LIST/);
  for (const line of SIMULATE_USAGE.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
});
