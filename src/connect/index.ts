// Public API of the CONNECT client. The sync engine consumes the paginators and record types;
// the CLI wires `connect-sync check` to checkCommand.
export { createConnectClient } from './client.js';
export type { ClientStats, ConnectClient, ConnectClientOptions, RemoteActionResult } from './client.js';
export { createLimiter, type Limiter, type LimiterOptions } from './limiter.js';
export { collect, type Page, type Pass, type PassStats } from './paginate.js';
export { Catalog, dialectName, type Dialect } from './catalog.js';
export { OFFSET_DIALECT, PAGED_DIALECT } from './dialects.js';
export { checkApi, checkCommand, CHECK_EXIT, type CheckResult } from './check.js';
export { ALL_OPERATIONS, JOB_OPERATIONS, type JobName, type OperationName } from './reference.js';
export { DEFAULT_RETRY, type RetryOptions } from './transport.js';
export {
  AbortedError,
  AuthenticationError,
  ConnectApiError,
  GraphQLResponseError,
  PaginationError,
  RateLimitedError,
  SchemaMismatchError,
  TransientError,
  UnexpectedResponseError,
  type GraphQLErrorSummary,
} from './errors.js';
export type {
  CardRecord,
  ChargepointRecord,
  ConnectorRecord,
  ContactRecord,
  Decimal,
  EntityName,
  LocationRecord,
  PageResult,
  PriceRecord,
  Reject,
  SessionRecord,
} from './records.js';
