// The product as a platform runs it: `connect-sync sync <job>` started by a scheduler, and the
// `connect-sync run` daemon kept alive by a restart policy. Both are the built CLI (dist/cli.js).
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildRun {
  child: ChildProcess;
  /** Exit code, or the signal's name when killed. */
  exited: Promise<number | string>;
  output(): string;
}

/** Keeps the last `max` characters of a stream's output (enough to show why a process failed). */
function tail(max: number): { add(chunk: Buffer | string): void; text(): string } {
  let text = '';
  return {
    add(chunk) {
      text += String(chunk);
      if (text.length > 2 * max) text = text.slice(-max);
    },
    text: () => text.slice(-max),
  };
}

export function startCli(cli: string, args: string[], env: Record<string, string>): ChildRun {
  const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = tail(8000);
  child.stdout!.on('data', out.add);
  child.stderr!.on('data', out.add);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: out.text };
}

export const alive = (run: ChildRun | undefined): run is ChildRun => run !== undefined && run.child.exitCode === null && run.child.signalCode === null;

/** SIGKILL; true when the process was still running. */
export function kill(run: ChildRun | undefined): boolean {
  if (!alive(run)) return false;
  return run.child.kill('SIGKILL');
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stop(run: ChildRun | undefined, graceMs = 12_000): Promise<void> {
  if (!alive(run)) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), graceMs);
  await run.exited;
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
