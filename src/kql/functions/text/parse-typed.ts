// Converting extracted text to the type named by a `typeof(T)` argument (extract()).
// Follows the to<type>() rules: text that does not parse as the type yields null.
import { KqlError, typeFromName, type Scalar, type ScalarType } from '../../types.js';
import { parseDatetimeString } from '../../values/datetime.js';
import { parseTimespanString } from '../../values/timespan.js';
import { parseGuid } from '../../values/guid.js';

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseTextAs(text: string, typeName: string): Scalar {
  const type: ScalarType | undefined = typeFromName(typeName);
  if (type === undefined) throw new KqlError(`unknown type name in typeof(): ${typeName}`, 'Type');
  const s = text.trim();
  switch (type) {
    case 'string':
      return text;
    case 'int': {
      if (!INTEGER.test(s)) return null;
      const n = Number(s);
      return n >= -2147483648 && n <= 2147483647 ? n : null;
    }
    case 'long': {
      if (!INTEGER.test(s)) return null;
      const big = BigInt(s);
      if (big < -(2n ** 63n) || big >= 2n ** 63n) return null;
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new KqlError(`long value ${s} exceeds the exactly representable range (±2^53)`, 'Overflow');
      }
      return Number(big);
    }
    case 'real':
    case 'decimal': {
      if (REAL.test(s)) return Number(s);
      if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
      if (/^nan$/i.test(s)) return NaN;
      return null;
    }
    case 'bool': {
      const l = s.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      return null;
    }
    case 'datetime':
      return parseDatetimeString(s);
    case 'timespan':
      return parseTimespanString(s);
    case 'guid':
      return parseGuid(s);
    case 'dynamic':
      try {
        return JSON.parse(text) as Scalar;
      } catch {
        return text;
      }
  }
}
