// One node-cron task per job. A tick while the job still runs in this process is skipped (no
// overlap); across replicas the job's advisory lock makes one of them run it per tick.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import type { JobName, JobResult } from '../sync/job.js';
import type { JobRunner } from '../sync/jobs.js';

export interface Schedule {
  job: JobName;
  cron: string;
}

export interface Scheduler {
  /** Jobs running now in this process. */
  running(): Promise<JobResult>[];
  /** Expected time between two ticks of a job, or null when it is off. */
  intervalMs(job: JobName): number | null;
  /** Stops every task: no new run starts; running ones go on until they end or are aborted. */
  stop(): Promise<void>;
}

export function startScheduler(schedules: Schedule[], run: JobRunner, signal: AbortSignal, logger: Logger): Scheduler {
  const tasks = new Map<JobName, ScheduledTask>();
  const inFlight = new Map<JobName, Promise<JobResult>>();
  for (const { job, cron: expression } of schedules) {
    if (!expression) {
      logger.info({ job }, 'job off (empty schedule)');
      continue;
    }
    const task = cron.schedule(
      expression,
      () => {
        if (signal.aborted) return;
        if (inFlight.has(job)) {
          logger.debug({ job }, 'previous run still going; tick skipped');
          return;
        }
        const p = run(job, { signal, lockMode: 'try' })
          .catch((err: unknown) => {
            // runJob records failures itself; this is a failure to even start (e.g. database down).
            logger.error({ job, err: (err as Error).message }, 'job could not run');
            return { job, status: 'failed', durationMs: 0, error: (err as Error).message } satisfies JobResult;
          })
          .finally(() => inFlight.delete(job));
        inFlight.set(job, p);
      },
      { name: job, noOverlap: false },
    );
    tasks.set(job, task);
    logger.info({ job, cron: expression, next: task.getNextRun()?.toISOString() }, 'job scheduled');
  }
  return {
    running: () => [...inFlight.values()],
    intervalMs(job) {
      const task = tasks.get(job);
      const [a, b] = task?.getNextRuns(2) ?? [];
      return a && b ? b.getTime() - a.getTime() : null;
    },
    async stop() {
      await Promise.all([...tasks.values()].map((t) => t.stop()));
    },
  };
}
