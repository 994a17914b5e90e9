// The product-level catalogue of what a query can name beyond the stored tables: content
// functions (the Zeek -> Sentinel views and ASIM parsers), the tables those functions read
// (empty when the store has none, so a view over missing logs is empty rather than an error),
// and the scalar functions the engine needs from outside (GeoIP). It hands the engine its
// QueryOptions and the checker the schemas the views produce.

import fs from 'node:fs';
import path from 'node:path';
import {
  check, parse, typeFromName, type ScalarFunctionDef, type StoredFunction, type StoredFunctionSchema, type Table, type TableProvider,
  type TableSchema, type TableSource,
} from '../kql/index.js';
import type { FunctionDecl } from '../kql/syntax/ast.js';
import { parseIpv4 } from '../kql/functions/ip/ipv4.js';
import { parseIpv6 } from '../kql/functions/ip/ipv6.js';
import { geoInfoFunction } from '../enrich/geo-function.js';
import { packagedGeoIp, type GeoIp } from '../enrich/geoip.js';
import {
  ContentFunctionError, builtinContentFunctionDir, loadContentFunctions, storedFunctionsOf, type ContentFunction,
} from './content-functions.js';

export const INTERNAL_SUBNETS_FUNCTION = '_KqlHunt_InternalSubnets';

export interface ContentCatalogueOptions {
  /** Load content/functions of this installation (default true). */
  builtins?: boolean;
  /** More folders of `*.kql` functions, in order; a later definition replaces an earlier one of the same name. */
  functionDirs?: readonly string[];
  /** CIDR ranges that replace the body of _KqlHunt_InternalSubnets() (RFC 1918 + fc00::/7 by default). */
  internalSubnets?: readonly string[];
  /** The GeoIP behind geo_info_from_ip_address (default: the packaged country data). */
  geo?: GeoIp;
}

export class ContentCatalogue {
  /** By name; the last definition loaded wins. */
  readonly functions: ReadonlyMap<string, ContentFunction>;
  /** Schemas of the tables content functions read (`content/functions/sources/*.json`). */
  readonly sourceTables: ReadonlyMap<string, TableSchema>;
  readonly storedFunctions: ReadonlyMap<string, StoredFunction>;
  readonly scalarFunctions: readonly ScalarFunctionDef[];

  constructor(options: ContentCatalogueOptions = {}) {
    const functions = new Map<string, ContentFunction>();
    const sources = new Map<string, TableSchema>();
    const dirs = [...(options.builtins === false ? [] : [builtinContentFunctionDir()]), ...(options.functionDirs ?? [])];
    for (const dir of dirs) {
      for (const fn of loadContentFunctions(dir)) functions.set(fn.name, fn);
      const sourceDir = path.join(dir, 'sources');
      if (fs.existsSync(sourceDir)) for (const [name, schema] of loadSourceSchemas(sourceDir)) sources.set(name, schema);
    }
    if (options.internalSubnets !== undefined) {
      functions.set(INTERNAL_SUBNETS_FUNCTION, internalSubnetsFunction(options.internalSubnets));
    }
    this.functions = functions;
    this.sourceTables = sources;
    this.storedFunctions = storedFunctionsOf([...functions.values()]);
    this.scalarFunctions = [geoInfoFunction(options.geo ?? packagedGeoIp())];
  }

  /**
   * `base` plus the content functions' source tables, empty where `base` has no table of
   * that name: a view over logs the store does not hold yields no rows instead of failing.
   */
  provider(base: TableProvider): TableProvider {
    const sources = this.sourceTables;
    return {
      get(name: string): Table | TableSource | undefined {
        const t = base.get(name);
        if (t !== undefined) return t;
        const schema = sources.get(name);
        return schema === undefined ? undefined : { schema, batches: (): Iterable<Table> => [] };
      },
      keys: (): Iterable<string> => new Set([...(base.keys ? base.keys() : []), ...sources.keys()]),
    };
  }

  /** What QueryOptions needs besides the query: tables (with sources), stored functions, GeoIP. */
  queryOptions(base: TableProvider): { tables: TableProvider; functions: ReadonlyMap<string, StoredFunction>; scalarFunctions: readonly ScalarFunctionDef[] } {
    return { tables: this.provider(base), functions: this.storedFunctions, scalarFunctions: this.scalarFunctions };
  }

  /**
   * The result schema of each tabular content function, as the checker infers it from the
   * body over `tables` (plus the source tables). Scalar functions (which the checker's stored
   * function schemas cannot describe) are left out; so are functions the checker reports
   * errors for, which are returned in `errors` instead.
   */
  inferSchemas(tables: ReadonlyMap<string, TableSchema>): { schemas: Map<string, StoredFunctionSchema>; errors: string[] } {
    const allTables = new Map<string, TableSchema>([...this.sourceTables, ...tables]);
    const prelude = this.letPrelude();
    const schemas = new Map<string, StoredFunctionSchema>();
    const errors: string[] = [];
    for (const fn of this.functions.values()) {
      const decl = parseDecl(fn);
      if (decl === undefined || decl.params.some((p) => p.defaultValue === undefined && p.type.kind === 'TabularTypeRef')) continue;
      // Required scalar parameters get typed nulls: the result schema cannot depend on values.
      const args = decl.params.filter((p) => p.defaultValue === undefined)
        .map((p) => (p.type.kind === 'TabularTypeRef' ? '' : p.type.type === 'string' ? '""' : `${p.type.type}(null)`));
      const text = `${prelude}\n${fn.name}(${args.join(', ')})`;
      const result = check(text, { tables: allTables, scalarFunctions: this.scalarFunctions });
      const problems = result.diagnostics.filter((d) => d.severity === 'error');
      if (problems.length > 0) {
        errors.push(`${fn.file}: ${problems.map((d) => d.message).join('; ')}`);
        continue;
      }
      // A function whose body is scalar has no result columns to declare.
      if (result.schema === null) continue;
      schemas.set(fn.name, {
        name: fn.name,
        params: decl.params.map((p) => ({
          name: p.name.name,
          type: p.type.kind === 'TabularTypeRef' ? 'tabular' : p.type.type,
          optional: p.defaultValue !== undefined,
        })),
        resultColumns: result.schema.map((c) => ({ name: c.name, type: c.type })),
      });
    }
    return { schemas, errors };
  }

  /** Every content function as a `let`, ordered so each comes after the functions it calls. */
  letPrelude(): string {
    const pending = [...this.functions.values()];
    const out: string[] = [];
    while (pending.length > 0) {
      const ready = pending.findIndex((fn) => pending.every((other) => other === fn || !mentions(fn.declaration, other.name)));
      // A cycle: emit in file order and let the checker report the unknown name.
      const next = pending.splice(ready < 0 ? 0 : ready, 1)[0]!;
      out.push(`let ${next.name} = ${next.declaration};`);
    }
    return out.join('\n');
  }
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[^A-Za-z0-9_]/g, '')}($|[^A-Za-z0-9_])`).test(text);
}

function parseDecl(fn: ContentFunction): FunctionDecl | undefined {
  const st = parse(`let ${fn.name} = ${fn.declaration};`).query.statements[0];
  return st?.kind === 'Let' && st.value.kind === 'FunctionDecl' ? st.value : undefined;
}

function internalSubnetsFunction(subnets: readonly string[]): ContentFunction {
  for (const s of subnets) {
    if (parseIpv4(s) === null && parseIpv6(s) === null) {
      throw new ContentFunctionError('internal subnets', `'${s}' is not an IPv4 or IPv6 address range (CIDR, e.g. 10.0.0.0/8)`);
    }
  }
  return {
    name: INTERNAL_SUBNETS_FUNCTION,
    declaration: `() { dynamic(${JSON.stringify(subnets)}) }`,
    mergeWithTable: false,
    file: 'internal subnets (configured)',
  };
}

function loadSourceSchemas(dir: string): Map<string, TableSchema> {
  const out = new Map<string, TableSchema>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; columns?: unknown };
    if (typeof doc.name !== 'string' || !Array.isArray(doc.columns)) {
      throw new ContentFunctionError(file, "expected {name, columns: [{name, type}]}");
    }
    out.set(doc.name, (doc.columns as { name?: unknown; type?: unknown }[]).map((c) => {
      const type = typeof c.type === 'string' ? typeFromName(c.type) : undefined;
      if (typeof c.name !== 'string' || type === undefined) {
        throw new ContentFunctionError(file, `column ${JSON.stringify(c)}: expected {name, type} with a KQL type`);
      }
      return { name: c.name, type };
    }));
  }
  return out;
}
