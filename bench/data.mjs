// Deterministic firewall-like data for the benchmark, built straight into the engine's
// columnar layouts (no per-row objects): TimeGenerated, SourceIP, DestinationIP,
// DestinationPort, SentBytes, DeviceVendor.

import { NumberColumn, StringColumn, TicksColumn } from '../dist/src/kql/data/column.js';

/** xorshift32: the same sequence on every run and platform. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

export const VENDORS = ['Palo Alto Networks', 'Fortinet', 'Check Point', 'Cisco', 'Zscaler'];
export const HOURS = 336;
/** 2024-01-01T00:00:00Z in Unix ms: the series start. */
export const START_MS = Date.UTC(2024, 0, 1);

function ipDictionary(count, random, privateShare) {
  const dict = new Array(count);
  const seen = new Set();
  for (let i = 0; i < count; i++) {
    let ip;
    do {
      if (random() < privateShare) {
        ip = random() < 0.5 ? `10.${(random() * 256) | 0}.${(random() * 256) | 0}.${(random() * 256) | 0}`
          : `192.168.${(random() * 256) | 0}.${(random() * 256) | 0}`;
      } else {
        ip = `${11 + ((random() * 180) | 0)}.${(random() * 256) | 0}.${(random() * 256) | 0}.${1 + ((random() * 254) | 0)}`;
      }
    } while (seen.has(ip));
    seen.add(ip);
    dict[i] = ip;
  }
  return dict;
}

/**
 * `rows` firewall events over HOURS hours from START_MS. Sources are skewed (a few chatty hosts),
 * destinations 40% private.
 */
export function firewallTable(rows, seed = 42, sources = 20000, destinations = 100000) {
  const random = rng(seed);
  const srcDict = ipDictionary(sources, random, 1);
  const dstDict = ipDictionary(destinations, random, 0.4);
  const time = new Float64Array(rows);
  const src = new Int32Array(rows);
  const dst = new Int32Array(rows);
  const port = new Float64Array(rows);
  const bytes = new Float64Array(rows);
  const vendor = new Int32Array(rows);
  const ports = [443, 80, 53, 22, 3389, 8080, 445, 25];
  const span = HOURS * 3600000;
  for (let i = 0; i < rows; i++) {
    time[i] = START_MS + Math.floor((i / rows) * span);
    const r = random();
    src[i] = Math.floor(r * r * sources);
    dst[i] = (random() * destinations) | 0;
    port[i] = ports[(random() * ports.length) | 0];
    bytes[i] = 200 + ((random() * 100000) | 0);
    vendor[i] = (random() * VENDORS.length) | 0;
  }
  return {
    length: rows,
    columns: [
      { name: 'TimeGenerated', column: new TicksColumn('datetime', time, null, null) },
      { name: 'SourceIP', column: new StringColumn('string', src, srcDict) },
      { name: 'DestinationIP', column: new StringColumn('string', dst, dstDict) },
      { name: 'DestinationPort', column: new NumberColumn('long', port, null) },
      { name: 'SentBytes', column: new NumberColumn('long', bytes, null) },
      { name: 'DeviceVendor', column: new StringColumn('string', vendor, VENDORS.slice()) },
    ],
  };
}

/** Bytes the raw columns occupy (typed arrays plus dictionary text as UTF-16). */
export function rawBytes(table) {
  let total = 0;
  for (const { column } of table.columns) {
    if (column.codes) total += column.codes.byteLength + column.dict.reduce((s, x) => s + 2 * x.length, 0);
    else if (column.ms) total += column.ms.byteLength + (column.sub ? column.sub.byteLength : 0);
    else total += column.values.byteLength;
  }
  return total;
}
