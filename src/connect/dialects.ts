// The two dialects of getChargepoints the reference shows, for callers that name one (tests, and
// clients that skip introspection): its schema section and its curl example.
import type { Dialect } from './catalog.js';

export const OFFSET_DIALECT: Readonly<Dialect> = Object.freeze({ pagination: 'offset', key: 'id' });
export const PAGED_DIALECT: Readonly<Dialect> = Object.freeze({ pagination: 'paged', key: 'uuid' });
