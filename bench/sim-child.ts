// The simulator in a child process, so the benchmark's CPU and memory figures are the worker's
// alone. The parent sends messages; the child answers each with { id, ...result }.
import { startSimulator, type Simulator } from '../src/simulator/index.js';

type Message =
  | { id: number; type: 'start'; options: Parameters<typeof startSimulator>[0] }
  | { id: number; type: 'change'; fraction: number; at: string }
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset-stats' }
  | { id: number; type: 'faults'; faults: Record<string, number> }
  | { id: number; type: 'close' };

let sim: Simulator | undefined;

const STATUSES = ['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE'];

process.on('message', async (m: Message) => {
  try {
    switch (m.type) {
      case 'start':
        // Dates cross the IPC channel as strings.
        sim = await startSimulator({ ...m.options, ...(m.options?.startTime ? { startTime: new Date(m.options.startTime) } : {}) });
        process.send!({ id: m.id, url: sim.url, apiKey: sim.apiKey, sizes: sim.world.sizes() });
        break;
      case 'change': {
        // Every k-th connector moves to another status, as of `at`: an exact, known set of changes.
        const live = sim!.world.connectorsBySerial.filter((c) => c !== undefined);
        const step = Math.max(1, Math.round(1 / m.fraction));
        let changed = 0;
        for (let i = 0; i < live.length; i += step) {
          const c = live[i]!;
          const next = STATUSES[(STATUSES.indexOf(c.status) + 1) % STATUSES.length]!;
          sim!.world.setConnectorStatus(c.id, next, new Date(m.at));
          changed++;
        }
        process.send!({ id: m.id, changed });
        break;
      }
      case 'stats':
        process.send!({ id: m.id, requests: sim!.stats.requests, byOperation: sim!.stats.byOperation, maxInFlight: sim!.stats.maxInFlight });
        break;
      case 'reset-stats':
        sim!.stats.reset();
        process.send!({ id: m.id });
        break;
      case 'faults':
        sim!.setFaults(m.faults);
        process.send!({ id: m.id });
        break;
      case 'close':
        await sim?.close();
        process.send!({ id: m.id });
        process.exit(0);
    }
  } catch (err) {
    process.send!({ id: m.id, error: String((err as Error).stack ?? err) });
  }
});
