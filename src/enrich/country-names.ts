// English country names for ISO 3166-1 alpha-2 codes, as Sentinel shows them
// (VMConnection.RemoteCountry, DnsEvents.RemoteIPCountry, geo_info_from_ip_address().country).
// Those come from MaxMind's GeoLite2 English names; Intl.DisplayNames agrees for almost every
// code, and the few where CLDR's long form differs are overridden here.

const MAXMIND_NAMES: Readonly<Record<string, string>> = {
  HK: 'Hong Kong',
  MO: 'Macao',
  MM: 'Myanmar',
  PS: 'Palestine',
  CI: 'Ivory Coast',
  CD: 'DR Congo',
  CG: 'Congo Republic',
  BQ: 'Bonaire, Sint Eustatius, and Saba',
  UM: 'U.S. Outlying Islands',
  VI: 'U.S. Virgin Islands',
  XK: 'Kosovo',
};

let display: Intl.DisplayNames | undefined;

/** The English name of a country code; '' for ''. An unknown code is returned unchanged. */
export function countryName(code: string): string {
  if (code === '') return '';
  const fixed = MAXMIND_NAMES[code];
  if (fixed !== undefined) return fixed;
  display ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  try {
    return display.of(code) ?? code;
  } catch {
    return code;
  }
}
