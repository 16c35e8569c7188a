/** Distinct exit codes, documented in --help and the README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  upstreamUnreachable: 4,
  databaseUnreachable: 5,
  databaseNewer: 6,
  partial: 7,
} as const;
