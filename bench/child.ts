// A typed request/response channel to a forked child process (bench/sim-child.ts).
import { fork, type ChildProcess } from 'node:child_process';

export interface Child {
  call<T = Record<string, unknown>>(message: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
  process: ChildProcess;
}

export function forkChild(modulePath: string, execArgv: string[] = []): Child {
  const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(m.error));
    else w?.resolve(m);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`simulator child exited with ${code}`));
    waiting.clear();
  });
  return {
    process: child,
    call<T>(message: Record<string, unknown>) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...message, id });
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await this.call({ type: 'close' }).catch(() => {});
      await exited;
    },
  };
}
