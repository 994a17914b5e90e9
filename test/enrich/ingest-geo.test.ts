import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountryFillEnricher } from '../../src/enrich/ingest-geo.js';

test('ingest GeoIP fills an empty RemoteCountry from RemoteIp, keeps existing values, skips private addresses', () => {
  const e = new CountryFillEnricher();
  const publicRow: Record<string, unknown> = { RemoteIp: '8.8.8.8', RemoteCountry: '' };
  e.enrich('VMConnection', publicRow);
  assert.equal(publicRow['RemoteCountry'], 'US');

  const kept: Record<string, unknown> = { RemoteIp: '8.8.8.8', RemoteCountry: 'Narnia' };
  e.enrich('VMConnection', kept);
  assert.equal(kept['RemoteCountry'], 'Narnia');

  const internal: Record<string, unknown> = { RemoteIp: '10.1.2.3' };
  e.enrich('VMConnection', internal);
  assert.equal(internal['RemoteCountry'], undefined);

  const other: Record<string, unknown> = { RemoteIp: '8.8.8.8' };
  e.enrich('CommonSecurityLog', other);
  assert.equal(other['RemoteCountry'], undefined, 'tables without a country column are untouched');
});
