import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret } from '../../src/log.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logging', () => {
  it('writes JSON with level labels and redacts the API key and the x-api-key header everywhere', () => {
    const key = 'sk-live-7f3a9c2e1b';
    registerSecret(key);
    const s = sink();
    const log = createLogger({ level: 'debug', destination: s.stream });
    log.info({ apiKey: key, headers: { 'x-api-key': key, accept: 'json' } }, 'request');
    log.debug({ request: { headers: { 'x-api-key': key } } }, 'nested');
    log.warn(`an error that quotes the key ${key} in its message`);
    log.error({ err: new Error(`401 for key ${key}`) }, 'failed');
    log.info({ config: { connectApiKey: key } }, 'config');

    const all = s.lines.join('\n');
    expect(all).not.toContain(key);
    const [first, second, third] = s.parsed();
    expect(first).toMatchObject({ level: 'info', msg: 'request', apiKey: '[Redacted]', headers: { 'x-api-key': '[Redacted]', accept: 'json' } });
    expect(second).toMatchObject({ level: 'debug', request: { headers: { 'x-api-key': '[Redacted]' } } });
    expect(third?.msg).toBe('an error that quotes the key [Redacted] in its message');
    expect(s.lines).toHaveLength(5);
  });

  it('hides passwords in connection strings', () => {
    const s = sink();
    createLogger({ destination: s.stream }).info({ url: 'postgres://app:hunter2@db:5432/x' }, 'db');
    expect(s.lines[0]).not.toContain('hunter2');
    expect(s.parsed()[0]?.url).toBe('postgres://app:[Redacted]@db:5432/x');
  });
});
