// Query parameters given as text (`--param NAME=VALUE`, rule parameters): read as the type the
// query declares with `declare query_parameters`, as ADX binds them; undeclared ones are strings.

import type { Query } from '../kql/syntax/ast.js';
import type { Scalar, ScalarType } from '../kql/types.js';
import { BAD, toBool, toDatetime, toDynamic, toGuid, toInteger, toReal, toTimespan } from './cell.js';

/** The parameters a query declares, with their scalar types. */
export function declaredParameterTypes(query: Query): Map<string, ScalarType> {
  const types = new Map<string, ScalarType>();
  for (const st of query.statements) {
    if (st.kind !== 'DeclareQueryParameters') continue;
    for (const p of st.params) if (p.type.kind === 'ScalarTypeRef') types.set(p.name.name, p.type.type);
  }
  return types;
}

/** `text` as a value of `type` (a string when undeclared); undefined when it is not one. */
export function parameterFromText(text: string, type: ScalarType | undefined): { type: ScalarType; value: Scalar } | undefined {
  let v: Scalar | typeof BAD;
  switch (type) {
    case undefined: case 'string': return { type: 'string', value: text };
    case 'bool': v = toBool(text); break;
    case 'int': case 'long': v = toInteger(text, type); break;
    case 'real': case 'decimal': v = toReal(text); break;
    case 'datetime': v = toDatetime(text); break;
    case 'timespan': v = toTimespan(text); break;
    case 'guid': v = toGuid(text); break;
    case 'dynamic': v = toDynamic(text); break;
  }
  return v === BAD ? undefined : { type, value: v };
}
