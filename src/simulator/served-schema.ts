// The schema the simulator serves right now: the dialect, the schema variants and the fields dropped
// at run time. yoga asks for it on every request (a schema factory), so a change is in force from the
// next request without a restart. The executable schema is built once per change and then reused,
// which keeps yoga's validation cache (keyed by schema) warm.
import { createSchema } from 'graphql-yoga';
import type { FaultInjector } from './faults.js';
import type { GraphQLSchema } from './graphql.js';
import { createResolvers, type SimContext } from './resolvers.js';
import type { Dialect } from './schema.js';
import type { SimStats } from './stats.js';
import { parseCoordinate, variantTypeDefs } from './variant-sdl.js';
import { parseSchemaVariants, type SchemaVariant } from './variants.js';
import type { World } from './world.js';

export class ServedSchema {
  private current: readonly SchemaVariant[];
  private readonly dropped: string[] = [];
  private built: { schema: GraphQLSchema; sdl: string } | undefined;
  /** Schemas that refuse introspection (no-introspection); read by the validation plugin. */
  private readonly closed = new WeakSet<GraphQLSchema>();
  /** Schemas that refuse aliased fields (no-aliases); read by the validation plugin. */
  private readonly noAliases = new WeakSet<GraphQLSchema>();

  constructor(
    readonly dialect: Dialect,
    private readonly world: World,
    private readonly faults: FaultInjector,
    private readonly stats: SimStats,
    variants: readonly SchemaVariant[],
  ) {
    this.current = variants;
    this.built = this.build();
  }

  get variants(): readonly SchemaVariant[] {
    return this.current;
  }

  get droppedFields(): readonly string[] {
    return [...this.dropped];
  }

  /** The executable schema in force (yoga's schema factory). */
  schema(): GraphQLSchema {
    return (this.built ??= this.build()).schema;
  }

  sdl(): string {
    return (this.built ??= this.build()).sdl;
  }

  refusesIntrospection(schema: GraphQLSchema): boolean {
    return this.closed.has(schema);
  }

  refusesAliases(schema: GraphQLSchema): boolean {
    return this.noAliases.has(schema);
  }

  /** Replaces the variants (names or presets, as the schema option); clears dropped fields. */
  set(schema: string | readonly string[] | undefined): void {
    const variants = parseSchemaVariants(schema);
    this.rebuild(variants, []);
  }

  drop(coordinate: string): void {
    parseCoordinate(coordinate);
    if (this.dropped.includes(coordinate)) return;
    this.rebuild(this.current, [...this.dropped, coordinate]);
  }

  restore(coordinate: string): void {
    parseCoordinate(coordinate);
    if (!this.dropped.includes(coordinate)) return;
    this.rebuild(
      this.current,
      this.dropped.filter((c) => c !== coordinate),
    );
  }

  /** Builds first (a RangeError leaves everything as it was), then switches. */
  private rebuild(variants: readonly SchemaVariant[], dropped: string[]): void {
    const next = this.build(variants, dropped);
    this.current = variants;
    this.dropped.splice(0, this.dropped.length, ...dropped);
    this.built = next;
  }

  private build(variants = this.current, dropped = this.dropped): { schema: GraphQLSchema; sdl: string } {
    const sdl = variantTypeDefs(this.dialect, variants, dropped);
    const schema = createSchema<SimContext>({
      typeDefs: sdl,
      resolvers: createResolvers(this.dialect, this.world, this.faults, this.stats, variants),
      // Resolvers of dropped fields and of scalars a variant does not declare are left unused.
      resolverValidationOptions: { requireResolversToMatchSchema: 'ignore' },
    });
    if (variants.includes('no-introspection')) this.closed.add(schema);
    if (variants.includes('no-aliases')) this.noAliases.add(schema);
    return { schema, sdl };
  }
}
