// The signals the daemon answers, in one place. The first asks for a graceful stop; a second
// one forces the exit.
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function onShutdownSignal(graceful: (signal: string) => void, force: (signal: string) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) graceful(signal);
    else force(signal);
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SHUTDOWN_SIGNALS) process.off(s, handler);
  };
}
