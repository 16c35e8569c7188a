// Root resolvers. Each builds plain objects for the requested page from the world's records
// (render.ts); nested fields use graphql's default resolver, so there is no per-field async work.
// Faults that live inside a response (page cap, nulls, unknown statuses, a GraphQL error with a
// path, a contact that always fails) are applied here.
import { GraphQLError } from './graphql.js';
import { CURRENCY } from './catalog.js';
import { pricePerKwh, tariffName } from './behaviour.js';
import type { FaultInjector } from './faults.js';
import { SERVED_FROM, type ServedCache } from './fast-execute.js';
import { ACTIVE, type CardRec, type ChargepointRec, type ContactRec } from './records.js';
import { renderCard, renderChargepoint, renderContact, renderSession, type RenderOptions } from './render.js';
import { keyField, scalarResolvers, type Dialect } from './schema.js';
import type { SimStats } from './stats.js';
import { enumResolvers, shaperFor } from './variant-shape.js';
import type { SchemaVariant } from './variants.js';
import type { World } from './world.js';

/** The most records any list answers, like the live API's cap of 1000 per response. */
export const HARD_CAP = 1000;
/** Page size of the paged dialect when `count` is not given (the curl example asks for 100). */
export const DEFAULT_PAGE_COUNT = 100;

/** Per-request state the HTTP front hands to yoga as server context. */
export interface RequestState {
  /** A GraphQL error is still to be injected into this response. */
  graphqlError: boolean;
}

export interface SimContext {
  sim?: RequestState;
}

type Obj = Record<string, unknown>;
type Args = Record<string, unknown>;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
const notFound = (message: string) => new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function createResolvers(dialect: Dialect, world: World, faults: FaultInjector, stats: SimStats, variants: readonly SchemaVariant[] = []) {
  const render: RenderOptions = { key: keyField(dialect), faults, share: true };
  // Schema variants that serve other shapes reshape the rendered objects (variant-shape.ts).
  const shape = shaperFor(variants);
  const view = shape ? (cp: ChargepointRec) => shape.chargepoint(renderChargepoint(cp, render)) : (cp: ChargepointRec) => renderChargepoint(cp, render);
  // Where its answer is its record's alone, the executor may keep its JSON on the record (fast-execute.ts, SERVED_FROM).
  const chargepoint = (cp: ChargepointRec): Obj => {
    const out = view(cp);
    if (faults.recordsAsStored) (out as { [SERVED_FROM]?: ServedCache })[SERVED_FROM] = cp;
    return out;
  };
  const contactOut = shape ? (c: ContactRec) => shape.contact(renderContact(c, render) as unknown as Obj) : (c: ContactRec) => renderContact(c, render) as unknown as Obj;
  const cardOut = shape ? (c: CardRec) => shape.card(renderCard(c, render) as unknown as Obj) : (c: CardRec) => renderCard(c, render) as unknown as Obj;

  /** Records [start, start + size) of `list` for offset/limit arguments. */
  function offsetPage<T>(list: readonly T[], args: Args): T[] {
    const offset = int(args['offset']) ?? 0;
    const limit = int(args['limit']) ?? HARD_CAP;
    if (offset < 0) throw badInput(`offset must be >= 0, got ${offset}`);
    if (limit < 0) throw badInput(`limit must be >= 0, got ${limit}`);
    const size = faults.capPage(Math.min(limit, HARD_CAP));
    return list.slice(offset, offset + size);
  }

  /** Replaces `field` of one of `targets` by a resolver that throws: data null there + an error with its path. */
  function injectError(ctx: SimContext, targets: Obj[], field: string): void {
    if (ctx.sim?.graphqlError !== true || targets.length === 0) return;
    ctx.sim.graphqlError = false;
    stats.fault('graphqlError');
    const target = targets[faults.pickIndex(targets.length)]!;
    delete (target as { [SERVED_FROM]?: ServedCache })[SERVED_FROM]; // its answer is no longer its record's alone
    target[field] = () => {
      throw new GraphQLError(`Could not load ${field}: upstream timeout (simulated)`, {
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    };
  }

  function failIfFailed(contact: { failed: boolean; id: string }): void {
    if (!contact.failed) return;
    stats.fault('failedContact');
    throw new GraphQLError(`Internal server error while loading data of contact ${contact.id}`, {
      extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
    });
  }

  function chargepointsPage(cps: ChargepointRec[], ctx: SimContext): Obj[] {
    const out = cps.map(chargepoint);
    injectError(ctx, out, 'connectors');
    return out;
  }

  const getChargepoints =
    dialect === 'paged'
      ? (_: unknown, args: Args, ctx: SimContext): Obj => {
          const page = int(args['page']) ?? 0;
          const count = int(args['count']) ?? DEFAULT_PAGE_COUNT;
          if (page < 0) throw badInput(`page must be >= 0, got ${page}`);
          if (count < 0) throw badInput(`count must be >= 0, got ${count}`);
          const size = faults.capPage(Math.min(count, HARD_CAP));
          const total = world.cpOrder.length;
          const start = page * size;
          const cps = world.cpOrder.slice(start, start + size);
          const result: Obj = {
            chargepoints: chargepointsPage(cps, ctx),
            nextPage: cps.length > 0 && start + cps.length < total ? page + 1 : null,
            count: cps.length,
            total,
          };
          injectError(ctx, [result], 'count');
          return result;
        }
      : (_: unknown, args: Args, ctx: SimContext): Obj => {
          const cps = offsetPage(world.cpOrder, args);
          const result: Obj = { chargepoints: chargepointsPage(cps, ctx), count: world.cpOrder.length };
          injectError(ctx, [result], 'count');
          return result;
        };

  return {
    ...scalarResolvers,
    ...enumResolvers(variants),
    Query: {
      getCard(_: unknown, args: Args, ctx: SimContext): Obj {
        const tagId = str(args['tagId']) ?? '';
        const card = world.cardByTag.get(tagId);
        if (card === undefined) throw notFound(`Card not found: ${tagId}`);
        const out = cardOut(card);
        injectError(ctx, [out], 'name');
        return out;
      },

      getCards(_: unknown, args: Args, ctx: SimContext): Obj[] {
        const contact = world.contactRec(str(args['contactId']) ?? '');
        if (contact === undefined) return [];
        failIfFailed(contact);
        const cards = args['active'] === true ? contact.cards.filter((c) => c.active) : contact.cards;
        const out = offsetPage(cards, args).map(cardOut);
        injectError(ctx, out, 'name');
        return out;
      },

      getChargepoint(_: unknown, args: Args, ctx: SimContext): Obj {
        const id = args['id'] != null ? String(args['id']) : undefined;
        const evse = str(args['evse']);
        if (id === undefined && evse === undefined) throw badInput('getChargepoint needs id or evse');
        const cp = id !== undefined ? world.chargepointRec(id) : world.chargepointRecByEvse(evse ?? '');
        if (cp === undefined) throw notFound(`Chargepoint not found: ${id ?? evse}`);
        return chargepointsPage([cp], ctx)[0]!;
      },

      getChargepoints,

      getChargingSession(_: unknown, args: Args, ctx: SimContext): Obj | null {
        const session = world.sessionRec(String(args['id']));
        if (session === undefined) return null;
        const out = renderSession(session, render) as unknown as Obj;
        injectError(ctx, [out], 'connector');
        return out;
      },

      getChargingSessions(_: unknown, args: Args, ctx: SimContext): Obj[] {
        const contact = world.contactRec(str(args['contactId']) ?? '');
        if (contact === undefined) return [];
        failIfFailed(contact);
        const tagId = str(args['tagId']);
        const activeOnly = args['active'] === true;
        const sessions =
          tagId === undefined && !activeOnly
            ? contact.sessions
            : contact.sessions.filter((s) => (tagId === undefined || s.card.tagId === tagId) && (!activeOnly || s.status === ACTIVE));
        const out = offsetPage(sessions, args).map((s) => renderSession(s, render) as unknown as Obj);
        injectError(ctx, out, 'connector');
        return out;
      },

      getContact(_: unknown, args: Args, ctx: SimContext): Obj | null {
        const contact = world.contactRec(String(args['id']));
        if (contact === undefined) return null;
        const out = contactOut(contact);
        injectError(ctx, [out], 'location');
        return out;
      },

      getContacts(_: unknown, args: Args, ctx: SimContext): Obj[] {
        const out = offsetPage(world.contacts, args).map(contactOut);
        injectError(ctx, out, 'location');
        return out;
      },

      getPrice(_: unknown, args: Args, ctx: SimContext): Obj {
        const cpId = String(args['chargepoint']);
        const cp = world.chargepointRec(cpId);
        if (cp === undefined) throw notFound(`Chargepoint not found: ${cpId}`);
        const tagId = str(args['tagId']);
        const card = tagId !== undefined ? world.cardByTag.get(tagId) : undefined;
        if (tagId !== undefined && card === undefined) throw notFound(`Card not found: ${tagId}`);
        const current = cp.connectors.some((c) => c.type.currentType === 'DC') ? 'DC' : 'AC';
        const rate = card?.rate ?? null;
        const out: Obj = { currency: CURRENCY, name: tariffName(rate, current), price: pricePerKwh(rate, current) };
        injectError(ctx, [out], 'price');
        return out;
      },
    },

    Mutation: {
      remoteStart(_: unknown, args: Args): Obj {
        return { ...world.remoteStart(String(args['connectorId']), String(args['tagId'])) };
      },

      remoteStop(_: unknown, args: Args): Obj {
        return { ...world.remoteStop(String(args['session'])) };
      },

      updateCard(_: unknown, args: Args): Obj {
        const tagId = String(args['tagId']);
        const changes: { name?: string; active?: boolean } = {};
        if (typeof args['name'] === 'string') changes.name = args['name'];
        if (typeof args['active'] === 'boolean') changes.active = args['active'];
        const card = world.updateCard(tagId, changes);
        if (card === undefined) throw notFound(`Card not found: ${tagId}`);
        return shape ? shape.card(card as unknown as Obj) : (card as unknown as Obj);
      },
    },
  };
}
