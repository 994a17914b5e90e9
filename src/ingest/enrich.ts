// Enrichment hooks applied to every row after parsing. The pipeline ships none that invent data:
// GeoIP needs a database the store/enrichment side provides through GeoIpLookup (sink.ts).

import type { GeoIpLookup } from './sink.js';
import type { Row } from './record.js';

export interface RowEnricher {
  enrich(table: string, row: Row): void;
  /**
   * The only tables whose rows it is given (and may change); rows of other tables then need no
   * row object, which sinks taking fields store faster. Absent: every table.
   */
  readonly tables?: readonly string[];
}

/** RFC 1918/6598/5737/3927 ranges, loopback, multicast and reserved IPv4; ULA, link-local, loopback IPv6. */
export function isPublicIp(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4 !== null) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    if (a === 192 && b === 0 && Number(v4[3]) === 2) return false;
    if ((a === 198 && b === 51 && Number(v4[3]) === 100) || (a === 203 && b === 0 && Number(v4[3]) === 113)) return false;
    return true;
  }
  if (ip.indexOf(':') < 0) return false;
  const lower = ip.toLowerCase();
  if (lower === '::1' || lower === '::') return false;
  if (/^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff')) return false;
  return true;
}

/** Sets `country` columns from `ip` columns for public addresses the lookup knows. */
export class GeoIpEnricher implements RowEnricher {
  constructor(
    private readonly lookup: GeoIpLookup,
    /** Per table: which IP column feeds which country column. */
    private readonly columns: ReadonlyMap<string, readonly { ip: string; country: string }[]>,
  ) {}

  enrich(table: string, row: Row): void {
    const pairs = this.columns.get(table);
    if (pairs === undefined) return;
    for (const { ip, country } of pairs) {
      const address = row[ip];
      if (typeof address !== 'string' || !isPublicIp(address)) continue;
      const code = this.lookup.country(address);
      if (code !== undefined) row[country] = code;
    }
  }
}
