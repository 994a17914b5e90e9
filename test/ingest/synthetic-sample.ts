// Deterministic log files that walk the parsers' edge cases (escapes, bad fields, missing
// fields, malformed records, odd envelopes) at volume, for the output snapshot. Generated, not
// stored: a seeded generator gives the same bytes on every run.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(xs: readonly T[]) => T;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function envelope(r: () => number, pick: Pick, i: number): string {
  const mon = pick(MONTHS);
  const day = 1 + Math.floor(r() * 28);
  const time = `${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))}`;
  const pri = Math.floor(r() * 192);
  switch (i % 9) {
    case 0: return `<${pri}>${mon} ${String(day).padStart(2, ' ')} ${time} fw${i % 7} `;
    case 1: return `<${pri}>1 2024-0${1 + (i % 9)}-1${i % 10}T${time}.${pad(i % 1000, 3)}Z host${i % 5} app - - - `;
    case 2: return '';
    case 3: return `${mon} ${day} 2023 ${time}: `;
    case 4: return `<${pri}>${mon} ${day} ${time} `;
    case 5: return `<${pri}>2024-05-0${1 + (i % 9)}T${time}+02:00 collector `;
    case 6: return `<${pri}>1 - - - - - [sd@1 a="x\\"]y"] `;
    case 7: return `<${pri}>${mon}  ${day} ${time} host-${i} `;
    default: return `<${pri}>${mon} ${day} ${time}.${pad(i % 1000, 3)} h `;
  }
}

const CEF_VALUES: Record<string, (r: () => number, i: number) => string> = {
  src: (r) => `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
  dst: (r) => `203.0.113.${Math.floor(r() * 256)}`,
  spt: (r, i) => (i % 53 === 0 ? 'http' : i % 59 === 0 ? '99999999999' : String(Math.floor(r() * 65536))),
  dpt: (r, i) => (i % 61 === 0 ? '-1' : i % 67 === 0 ? '+443' : String(Math.floor(r() * 1024))),
  in: (r, i) => (i % 71 === 0 ? '12345678901234567890' : i % 73 === 0 ? '1.5' : String(Math.floor(r() * 1e9))),
  out: (r) => String(Math.floor(r() * 1e12)),
  rt: (r, i) => {
    switch (i % 8) {
      case 0: return String(1_700_000_000_000 + Math.floor(r() * 1e9));
      case 1: return String(1_700_000_000 + Math.floor(r() * 1e6));
      case 2: return `Nov ${1 + (i % 28)} 2023 22:13:${pad(i % 60)}`;
      case 3: return `Dec ${1 + (i % 28)} 23:59:${pad(i % 60)}.${pad(i % 1000, 3)}`;
      case 4: return `Nov 14 2023 22:13:20 UTC`;
      case 5: return `Nov 14 2023 22:13:20 PST`;
      case 6: return `2023-11-14T22:13:${pad(i % 60)}.${pad(i % 1000, 3)}Z`;
      default: return 'yesterday';
    }
  },
  start: (r, i) => (i % 3 === 0 ? 'garbage' : String(1_690_000_000_000 + Math.floor(r() * 1e10))),
  end: (_r, i) => `Jan ${1 + (i % 28)} 2024 01:02:03`,
  proto: (_r, i) => ['TCP', 'UDP', 'ICMP', ''][i % 4]!,
  act: (_r, i) => ['allow', 'deny', 'drop', 'reset both'][i % 4]!,
  suser: (_r, i) => `corp\\\\user${i % 13}`,
  msg: (_r, i) => ['session ended normally', 'a\\=b c=d? no: a\\\\=b', 'line1\\nline2\\r', 'pipe | inside', 'trailing   '][i % 5]!,
  cs1Label: () => 'Rule',
  cs1: (_r, i) => `allow-web-${i % 11}`,
  cn1: (r, i) => (i % 17 === 0 ? 'n/a' : String(Math.floor(r() * 3e9))),
  cfp1: (r, i) => (i % 19 === 0 ? '1e400' : i % 23 === 0 ? '.5' : (r() * 1000).toFixed(3)),
  cnt: (r) => String(Math.floor(r() * 100)),
  deviceExternalId: () => '0123456789',
  request: (_r, i) => `https://example.com/p?q=${i}&x=y z`,
  dvchost: (_r, i) => `dev-${i % 4}`,
  type: (_r, i) => (i % 2 === 0 ? '1' : 'x'),
  externalId: (r) => String(Math.floor(r() * 1e6)),
  vendorKey: (_r, i) => `custom value ${i}`,
  'ad.field[0]': () => 'dotted',
  flexDate1: () => 'Nov 14 2023',
  destinationTranslatedPort: (r) => String(Math.floor(r() * 65536)),
  empty: () => '',
};

function cefLine(r: () => number, pick: Pick, i: number): string {
  const keys = Object.keys(CEF_VALUES).filter(() => r() < 0.45);
  const ext = keys.map((k) => `${k}=${CEF_VALUES[k]!(r, i)}`).join(' ');
  const vendor = pick(['Palo Alto Networks', 'Check\\|Point', 'Back\\\\slash', 'Odd\\xvendor', '']);
  const header = `CEF:${i % 2}|${vendor}|Prod|1.${i % 10}|${100 + (i % 50)}|Name ${i} = x|${i % 11}|`;
  const lead = i % 97 === 0 ? 'junk before keys ' : '';
  const tail = i % 5 === 0 ? '  ' : '';
  return `${envelope(r, pick, i)}${header}${lead}${ext}${tail}`;
}

const OTHER_LINES: readonly ((i: number) => string)[] = [
  (i) => `<166>Oct 10 2018 12:34:56 fw: %ASA-6-302013: Built outbound TCP connection ${i} for outside:203.0.113.${i % 250}/443 (203.0.113.${i % 250}/443) to inside:10.0.0.${i % 250}/${1024 + i} (198.51.100.1/${2000 + i})`,
  (i) => `<166>Oct 10 2018 12:35:56 fw: %ASA-6-302014: Teardown TCP connection ${i} for outside:203.0.113.${i % 250}/443 to inside:10.0.0.${i % 250}/${1024 + i} duration 0:00:0${i % 10} bytes ${i * 13} TCP FINs`,
  (i) => `<189>date=2024-01-0${1 + (i % 9)} time=12:0${i % 10}:00 devname="FG-${i % 3}" devid="FGT60E" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" eventtime=${1704067200 + i}123456789 srcip=10.1.1.${i % 250} srcport=${1024 + i} dstip=8.8.8.8 dstport=53 sentbyte=${i} rcvdbyte=bad action="accept" policyid=${i % 9} extra="x y"`,
  (i) => `<14>Mar  1 10:00:00 pa-fw 1,2024/03/01 10:00:00,0123456789,TRAFFIC,end,2049,2024/03/01 10:00:00,10.0.0.${i % 250},8.8.8.8,0.0.0.0,0.0.0.0,allow-dns,,,dns,vsys1,trust,untrust,ethernet1/1,ethernet1/2,Log,2024/03/01 10:00:00,${i},1,${1024 + i},53,0,0,0x19,udp,allow,${i * 3},${i},${i * 2},2,2024/03/01 09:59:59,0,any,0,${i},0x0,10.0.0.0-10.255.255.255,United States,0,1,1,aged-out,0,0,0,0,,pa-fw,from-policy,,,0,,0,,N/A,0,0,0,0`,
  (i) => `<13>Jan  5 01:02:03 myhost sshd[${i}]: Accepted password for user${i % 7} from 10.0.0.1 port 22 ssh2`,
  (i) => `<13>1 2024-01-05T01:02:03.${pad(i % 1000000, 6)}+01:00 myhost su ${i % 3 === 0 ? 'x' : i} ID47 [ex@32473 iut="3" eventSource="App"] message ${i}`,
  (i) => `just some text without a header ${i}`,
  (i) => `CEF:0|only|four|fields ${i}`,
  (i) => `<34>Oct 11 22:14:15 mymachine su: 'su root' failed\u0000 ${i}`,
  () => '   ',
  (i) => `<999>Oct 11 22:14:15 host app[${i}x]: bad pid and pri`,
  (i) => `Oct 11 22:14:15 host kernel: [${i}.0000] usb 1-1: new device`,
];

function zeekConnHeader(sep = '\t'): string {
  const h = (k: string, v: string): string => `#${k}${sep}${v}\n`;
  return `#separator ${sep === '\t' ? '\\x09' : '\\x7c'}\n` + h('set_separator', ',') + h('empty_field', '(empty)') +
    h('unset_field', '-') + h('path', 'conn') + h('open', '2024-01-01-00-00-00') +
    h('fields', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes',
      'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'tunnel_parents', 'rtts', 'first_seen'].join(sep)) +
    h('types', ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool',
      'int', 'string', 'count', 'set[string]', 'vector[interval]', 'set[time]'].join(sep));
}

function zeekConnLine(r: () => number, i: number, sep = '\t'): string {
  const odd = (k: number, normal: string, weird: string): string => (i % k === 0 ? weird : normal);
  const ts = odd(41, `${1_700_000_000 + i}.${pad(Math.floor(r() * 1e6), 6)}`, ['XXXXXXXXXX.XXXXXX', '-', `${1_700_000_000 + i}`, '-5.25', `${i}.1234567891`][i % 5]!);
  const fields = [
    ts,
    `C${i.toString(36)}${Math.floor(r() * 1e9).toString(36)}`,
    odd(13, `10.0.${i % 250}.${i % 200}`, '(empty)'),
    odd(29, String(Math.floor(r() * 65536)), 'http'),
    odd(31, `203.0.113.${i % 250}`, 'fe80::1\\x09x'),
    odd(37, '443', '-'),
    pick3(i, ['tcp', 'udp', 'icmp']),
    odd(7, 'ssl', odd(2, '-', '(empty)')),
    odd(11, (r() * 100).toFixed(6), ['-', '0.1234567', '1e3', 'nan', '-0.000001'][i % 5]!),
    odd(17, String(Math.floor(r() * 1e9)), ['9007199254740993', '-', '-12', 'x'][i % 4]!),
    String(Math.floor(r() * 1e6)),
    'SF',
    odd(3, 'T', odd(2, 'F', 'maybe')),
    odd(5, 'F', '-'),
    odd(43, '0', '-7'),
    odd(19, 'ShADadFf', 'a\\\\b\\x41'),
    String(Math.floor(r() * 100)),
    odd(23, '(empty)', 'Cabc,Cdef\\x2cghi,-'),
    odd(9, '(empty)', `0.1,${(r() * 10).toFixed(6)},x`),
    odd(47, '-', `${1_700_000_000 + i}.000001,bad`),
  ];
  if (i % 101 === 0) fields.pop();
  if (i % 103 === 0) fields.push('extra');
  return fields.join(sep);
}

function pick3<T>(i: number, xs: readonly T[]): T {
  return xs[i % xs.length]!;
}

/** Writes the sample files into `dir`; returns their paths. */
export function writeSyntheticSample(dir: string, count = 3000): string[] {
  const r = prng(20241122);
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)]!;
  const files: string[] = [];
  const write = (name: string, content: string | Buffer): void => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    files.push(file);
  };

  const syslogFamily: string[] = [];
  for (let i = 0; i < count; i++) {
    syslogFamily.push(i % 4 === 3 ? OTHER_LINES[i % OTHER_LINES.length]!(i) : cefLine(r, pick, i));
  }
  write('collector-mixed.txt', syslogFamily.join('\n') + '\n');
  write('collector-crlf.txt', syslogFamily.slice(0, 500).join('\r\n'));

  const conn: string[] = [];
  for (let i = 0; i < count; i++) conn.push(zeekConnLine(r, i));
  write('conn.log.sample', zeekConnHeader() + conn.join('\n') + '\n#close\t2024-01-02-00-00-00\n');
  // Concatenated logs: a second header with a different separator and column set.
  const pipes: string[] = [];
  for (let i = 0; i < 300; i++) pipes.push(zeekConnLine(r, i, '|'));
  write('conn-concat.log.sample', zeekConnHeader() + conn.slice(0, 200).join('\n') + '\n' + zeekConnHeader('|') + pipes.join('\n') + '\n');
  write('conn.log.gz.sample', zlib.gzipSync(zeekConnHeader() + conn.slice(0, 800).join('\n')));
  const cut = zlib.gzipSync(syslogFamily.slice(0, 800).join('\n'));
  write('cut.gz.sample', cut.subarray(0, Math.floor(cut.length * 0.6)));
  // zeek-cut output: a comment then a plain line of field names.
  write('cut-style.log.sample', '# zeek-cut\nts\tuid\tid.orig_h\n' + conn.slice(0, 100).map((l) => l.split('\t').slice(0, 3).join('\t')).join('\n') + '\n');
  return files;
}
