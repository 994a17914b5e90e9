// GeoIP at ingest: fills a table's country column from its remote-address column when the
// source left it empty (exports from Sentinel already carry it; Zeek-derived and syslog rows
// do not). Only public addresses are looked up; the lookup is lazy, so ingests that never
// touch such a table never load the GeoIP data.

import type { RowEnricher } from '../ingest/enrich.js';
import type { Row } from '../ingest/record.js';
import { countryOf } from './geoip.js';

/** Which address column feeds which country column, per Sentinel table. */
const COUNTRY_COLUMNS: ReadonlyMap<string, readonly { ip: string; country: string }[]> = new Map([
  ['VMConnection', [{ ip: 'RemoteIp', country: 'RemoteCountry' }]],
  ['WireData', [{ ip: 'RemoteIP', country: 'RemoteIPCountry' }]],
]);

export class CountryFillEnricher implements RowEnricher {
  /** Rows of other tables are never touched, so the pipeline can hand them to the store without row objects. */
  readonly tables: readonly string[] = [...COUNTRY_COLUMNS.keys()];
  constructor(private readonly lookup: (ip: string) => string = countryOf) {}

  enrich(table: string, row: Row): void {
    const pairs = COUNTRY_COLUMNS.get(table);
    if (pairs === undefined) return;
    for (const { ip, country } of pairs) {
      const current = row[country];
      if (current !== undefined && current !== null && current !== '') continue;
      const address = row[ip];
      if (typeof address !== 'string' || address === '') continue;
      const code = this.lookup(address);
      if (code !== '') row[country] = code;
    }
  }
}
