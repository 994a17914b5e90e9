// geo_info_from_ip_address() backed by a GeoIP lookup, for QueryOptions.scalarFunctions (the
// engine itself ships no GeoIP data and refuses the function without one).
//
// ADX returns {country, state, city, latitude, longitude} from GeoLite2-City. Our data is
// country-level, so `country` is filled and the rest are empty or null (docs/views.md).

import type { ScalarFunctionDef } from '../kql/index.js';
import { countryName } from './country-names.js';
import type { GeoIp } from './geoip.js';

export function geoInfoFunction(geo: GeoIp): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name: 'geo_info_from_ip_address',
    params: [{ name: 'IpAddress', types: ['string'] }],
    returns: 'dynamic',
    impl: ([ip]) => {
      if (typeof ip !== 'string' || ip === '') return null;
      const code = geo.countryOf(ip);
      // As ADX: no information for private, reserved or unknown addresses.
      if (code === '') return null;
      return { country: countryName(code), state: '', city: '', latitude: null, longitude: null };
    },
  };
}
