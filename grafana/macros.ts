// Grafana's PostgreSQL macros and template variables, expanded the way Grafana does for a fixed
// time range (pkg/tsdb/grafana-postgresql-datasource/macros.go: RFC 3339 literals), so a panel's
// SQL can be run outside Grafana.

export interface PanelTarget {
  refId: string;
  rawSql: string;
  format: string;
  datasource?: { type?: string; uid?: string };
}

export interface Panel {
  type: string;
  title: string;
  targets?: PanelTarget[];
  panels?: Panel[];
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | Record<string, unknown>; current?: { value?: string | string[] } }> };
}

/** Every panel with queries, rows flattened. */
export function panelsOf(dashboard: DashboardJson): Panel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p])).filter((p) => p.targets?.length);
}

const rfc3339 = (d: Date) => d.toISOString().replace('.000Z', 'Z');

export function expandSql(sql: string, range: { from: Date; to: Date }, variables: Record<string, string>): string {
  const from = `'${rfc3339(range.from)}'`;
  const to = `'${rfc3339(range.to)}'`;
  let out = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, col: string) => `${col.trim()} BETWEEN ${from} AND ${to}`)
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(/\$__time\(([^)]+)\)/g, (_, col: string) => `${col.trim()} AS "time"`);
  out = out.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (m, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c!;
    if (name.startsWith('__')) throw new Error(`macro ${m} is not expanded by this test: teach expandSql first`);
    const value = variables[name];
    if (value === undefined) throw new Error(`template variable $${name} has no value`);
    return value;
  });
  return out;
}
