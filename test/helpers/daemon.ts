// `connect-sync run` as a child process, as a platform would run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CLI } from './cli.js';

export interface DaemonProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startDaemonProcess(env: Record<string, string>): Promise<DaemonProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'run'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', HTTP_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  // Ready to be scraped once /healthz answers.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`daemon exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`daemon did not answer /healthz:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, output: () => out, exited };
}

/** Schedules that switch every job off except those given. */
export function onlyJobs(schedules: Record<string, string>): Record<string, string> {
  return {
    SYNC_CHARGEPOINTS_CRON: '',
    SYNC_ACTIVE_SESSIONS_CRON: '',
    SYNC_CONTACTS_CRON: '',
    SYNC_CARDS_CRON: '',
    SYNC_SESSIONS_CRON: '',
    SYNC_PRICES_CRON: '',
    ...schedules,
  };
}
