// Benign activity, one simulated hour at a time: office users on SaaS and the web, machines
// talking to their servers, and the scheduled heavy hitters that trip exfiltration rules in
// every real network (the false-positive scenarios the seed rules list): nightly backups to
// cloud storage, log forwarding to a cloud SIEM, patch distribution and the SCCM client,
// collaboration tools, CI/CD artifact pushes, RDP administration, scheduled maintenance
// tasks and DNS-heavy monitoring.

import { PROCESSES, type ProcessDef } from './catalog.js';
import { PROCESS_FOR_SERVICE, SYSTEM_ACCOUNTS, type Account, type Enterprise, type Host, type Service } from './enterprise.js';
import type { BenignLabel } from './labels.js';
import { Rng } from './prng.js';
import { isWeekend, officeActivity, serverActivity } from './seasonality.js';
import type { Flow, Telemetry } from './telemetry.js';
import { MS_PER_HOUR, MS_PER_MINUTE, dayOfWeek, hourOfDay } from './time.js';

/** Connections per workstation in a peak hour, before the host's own weight and --scale. */
const WORKSTATION_PEAK_FLOWS = 36;

interface MixEntry {
  weight: number;
  service: Service | 'web';
}

export const BENIGN_SCENARIOS: readonly { name: string; description: string; roles: string[]; domains: string[]; processes: string[] }[] = [
  { name: 'backup-to-cloud-storage', description: 'Nightly backup job (01:00-04:00 UTC) uploading to S3, weekly full copy to Azure Blob on Saturday night.', roles: ['backup'], domains: ['contoso-backup.s3.us-east-1.amazonaws.com', 'contosobackup.blob.core.windows.net'], processes: ['VeeamAgent.exe'] },
  { name: 'log-forwarding-to-siem', description: 'Splunk universal forwarder streaming logs to Splunk Cloud around the clock.', roles: ['logfwd'], domains: ['http-inputs-contoso.splunkcloud.com'], processes: ['splunkd.exe'] },
  { name: 'patch-distribution', description: 'SCCM site server downloading updates and distributing them to clients on patch days; every client polls SCCM hourly.', roles: ['sccm'], domains: ['download.windowsupdate.com', 'update.microsoft.com', 'sccm01.corp.contoso.com'], processes: ['smsexec.exe', 'CcmExec.exe', 'svchost.exe'] },
  { name: 'collaboration-tools', description: 'Teams, Zoom and Slack calls and file sharing during business hours.', roles: ['workstation'], domains: ['teams.microsoft.com', 'zoom.us', 'slack.com', 'files.slack.com'], processes: ['ms-teams.exe', 'Zoom.exe', 'slack.exe'] },
  { name: 'ci-cd-artifact-push', description: 'Jenkins build server pushing container images and artifacts to a cloud registry on weekdays.', roles: ['build'], domains: ['registry.contoso-artifacts.io', 'registry-1.docker.io', 'github.com'], processes: ['docker.exe', 'git.exe', 'java.exe'] },
  { name: 'rdp-administration', description: 'Administrators using RDP from the jump host to servers during business hours.', roles: ['jump'], domains: [], processes: ['mstsc.exe'] },
  { name: 'scheduled-maintenance', description: 'Nightly scheduled task on servers (03:00 UTC) checking update.microsoft.com and cleaning up.', roles: ['app', 'db', 'file'], domains: ['update.microsoft.com'], processes: ['taskhostw.exe', 'powershell.exe'] },
  { name: 'dns-heavy-monitoring', description: 'Zabbix monitoring server resolving its check targets every minute.', roles: ['monitor'], domains: [], processes: ['zabbix_agentd.exe'] },
  { name: 'mail-relay', description: 'Internal SMTP relay delivering application mail to partners on port 25.', roles: ['mail'], domains: ['mx1.fabrikam-mail.com'], processes: ['EdgeTransport.exe'] },
];

export function benignLabels(ent: Enterprise): BenignLabel[] {
  return BENIGN_SCENARIOS.map((b) => ({
    name: b.name,
    description: b.description,
    hosts: ent.hosts.filter((h) => b.roles.includes(h.role)).slice(0, 50).map((h) => h.computer),
    domains: b.domains,
    processes: b.processes,
  }));
}

export class Baseline {
  private readonly mix: MixEntry[];
  private readonly mixTotal: number;
  private readonly hostScale: number;
  /** What the monitoring server resolves every minute: its servers and the SaaS it checks. */
  private readonly monitorTargets: { name: string; answers: readonly string[] }[];

  constructor(private readonly ent: Enterprise, private readonly tel: Telemetry, private readonly scale: number, private readonly seed: number) {
    const s = (k: string): Service => ent.service(k);
    this.mix = [
      { weight: 30, service: 'web' },
      { weight: 12, service: s('m365-mail') },
      { weight: 10, service: s('teams') },
      { weight: 9, service: s('sharepoint') },
      { weight: 5, service: s('login') },
      { weight: 9, service: s('google') },
      { weight: 5, service: s('slack') },
      { weight: 3, service: s('zoom') },
      { weight: 2, service: s('github') },
      { weight: 3, service: s('defender') },
      { weight: 4, service: s('fs01') },
      { weight: 3, service: s('fs02') },
      { weight: 3, service: s('ldap') },
      { weight: 2, service: s('kerberos') },
    ];
    this.mixTotal = this.mix.reduce((n, m) => n + m.weight, 0);
    this.monitorTargets = [
      ...ent.servers.slice(0, 12).map((h) => ({ name: h.computer.toLowerCase(), answers: [h.ip] })),
      ...['m365-mail', 'siem', 'sharepoint'].map((k) => ({ name: ent.service(k).names[0]!, answers: ent.service(k).addresses })),
    ];
    // Site-wide jobs (backups, log volume) grow with the size of the estate.
    this.hostScale = Math.max(0.05, ent.hosts.length / 500);
  }

  /** Generates every benign row of the hour starting at hourStart. */
  hour(hourStart: number): void {
    const rng = new Rng(this.seed, `baseline/${hourStart}`);
    const office = officeActivity(hourStart);
    for (const host of this.ent.workstations) this.workstation(host, hourStart, office, rng);
    this.backup(hourStart, rng);
    this.siem(hourStart, rng);
    this.patching(hourStart, rng);
    this.build(hourStart, rng);
    this.rdp(hourStart, rng);
    this.maintenance(hourStart, rng);
    this.monitoring(hourStart, rng);
    this.mail(hourStart, rng);
    this.appServers(hourStart, rng);
  }

  private at(hourStart: number, rng: Rng): number {
    return hourStart + rng.int(MS_PER_HOUR);
  }

  /** One flow object refilled for every baseline flow: Telemetry.flow keeps nothing of it. */
  private readonly scratch: Flow = {
    start: 0, durationMs: 0, host: undefined as unknown as Host, process: PROCESSES.system, account: SYSTEM_ACCOUNTS.system,
    remoteIp: '', remotePort: 0, transport: 'Tcp', app: '', sent: 0, received: 0,
    commandLine: undefined, name: undefined, resolved: undefined, remoteHost: undefined,
  };

  private flow(rng: Rng, start: number, host: Host, process: ProcessDef, account: Account, service: Service, volume = 1, commandLine?: string): void {
    const f = this.scratch;
    // Draws in the order the fields were once written as an object literal: the same seed must give the same rows.
    f.remoteIp = service.addresses[rng.int(service.addresses.length)]!;
    f.start = start;
    f.durationMs = 200 + Math.round(rng.exponential(service.public ? 20_000 : 5_000));
    f.host = host;
    f.process = process;
    f.account = account;
    f.commandLine = commandLine;
    f.name = service.names.length > 0 ? service.names[rng.int(service.names.length)] : undefined;
    f.resolved = service.addresses;
    f.remotePort = service.port;
    f.transport = service.transport;
    f.app = service.app;
    f.sent = rng.lognormal(service.sentMedian * volume, service.sentSigma);
    f.received = rng.lognormal(service.receivedMedian * volume, service.receivedSigma);
    f.remoteHost = service.server;
    this.tel.flow(f, null);
  }

  private workstation(host: Host, hourStart: number, office: number, rng: Rng): void {
    const n = rng.poisson(WORKSTATION_PEAK_FLOWS * host.weight * office * this.scale);
    for (let i = 0; i < n; i++) {
      let u = rng.next() * this.mixTotal;
      let entry = this.mix[0]!;
      for (const m of this.mix) {
        if (u < m.weight) { entry = m; break; }
        u -= m.weight;
      }
      let service: Service;
      let process: ProcessDef;
      if (entry.service === 'web') {
        // Zipf-like popularity: a few sites are everyday, most are visited once in a while.
        const tail = this.ent.webTail;
        service = tail[Math.floor(tail.length * Math.pow(rng.next(), 2.6))]!;
        process = rng.pick(PROCESS_FOR_SERVICE['web']!);
      } else {
        service = entry.service;
        // Not everyone uses every tool.
        if (service.key === 'slack' && host.index % 4 !== 0) continue;
        if (service.key === 'zoom' && host.index % 3 !== 0) continue;
        if (service.key === 'github' && host.index % 5 !== 0) continue;
        process = rng.pick(PROCESS_FOR_SERVICE[service.key]!);
      }
      const system = process === PROCESSES.system || process === PROCESSES.sense || process === PROCESSES.svchostDns;
      const account = system ? SYSTEM_ACCOUNTS.system : host.user;
      this.flow(rng, this.at(hourStart, rng), host, process, account, service);
      if (entry.service === 'web' && rng.chance(0.02)) this.download(host, hourStart, rng, service, process);
    }
    // Every SCCM client checks in for policy once an hour, day and night.
    this.flow(rng, hourStart + ((host.index * 7919) % MS_PER_HOUR), host, PROCESSES.ccmexec, SYSTEM_ACCOUNTS.system, this.ent.service('sccm-dp'), 0.01);
    if (office > 0.5 && rng.chance(0.15 * this.scale)) {
      const apps = [PROCESSES.chrome, PROCESSES.outlook, PROCESSES.teams, PROCESSES.winword, PROCESSES.msedge];
      const p = rng.pick(apps);
      this.tel.processEvent({ time: this.at(hourStart, rng), host, parent: PROCESSES.explorer, process: p, commandLine: p.commandLine, account: host.user }, null);
    }
  }

  private download(host: Host, hourStart: number, rng: Rng, service: Service, process: ProcessDef): void {
    const name = rng.pick(['report', 'invoice', 'brochure', 'slides', 'manual', 'setup', 'statement']);
    const ext = rng.pick(['.pdf', '.pdf', '.docx', '.xlsx', '.zip', '.msi']);
    const fileName = `${name}_${1000 + rng.int(9000)}${ext}`;
    const domain = service.names[0]!;
    const fileRng = new Rng(this.seed, `file/${fileName}/${domain}`);
    this.tel.fileEvent({
      time: this.at(hourStart, rng), host, process, account: host.user, actionType: 'FileCreated',
      fileName, folder: `C:\\Users\\${host.user.name}\\Downloads`, size: Math.round(rng.lognormal(900_000, 1.2)),
      sha1: fileRng.hex(40), sha256: fileRng.hex(64), md5: fileRng.hex(32),
      originUrl: `https://${domain}/files/${fileName}`, originIp: service.addresses[0], referrerUrl: `https://${domain}/`,
    }, null);
  }

  private backup(hourStart: number, rng: Rng): void {
    const h = hourOfDay(hourStart);
    if (h < 1 || h > 3) return;
    const host = this.ent.one('backup');
    const weeklyFull = dayOfWeek(hourStart) === 6;
    const service = this.ent.service(weeklyFull && h === 3 ? 'backup-blob' : 'backup-s3');
    const n = rng.poisson(24 * this.hostScale * this.scale);
    for (let i = 0; i < n; i++) {
      this.flow(rng, this.at(hourStart, rng), host, PROCESSES.backup, this.ent.serviceAccounts.backup, service, 1,
        PROCESSES.backup.commandLine);
    }
  }

  private siem(hourStart: number, rng: Rng): void {
    const host = this.ent.one('logfwd');
    const n = rng.poisson(50 * serverActivity(hourStart) * this.hostScale * this.scale);
    for (let i = 0; i < n; i++) this.flow(rng, this.at(hourStart, rng), host, PROCESSES.splunk, SYSTEM_ACCOUNTS.system, this.ent.service('siem'));
    // Servers ship their logs to the forwarder.
    for (const server of this.ent.servers) {
      if (server === host || !rng.chance(0.5)) continue;
      this.flow(rng, this.at(hourStart, rng), server, PROCESSES.splunk, SYSTEM_ACCOUNTS.system, this.ent.service('syslog-in'));
    }
  }

  private patching(hourStart: number, rng: Rng): void {
    const sccm = this.ent.one('sccm');
    const day = dayOfWeek(hourStart);
    const h = hourOfDay(hourStart);
    // The site server syncs every few hours and pulls the monthly batch on Tuesday evening.
    const downloads = day === 2 && h >= 18 && h < 22 ? 30 : h % 6 === 0 ? 2 : 0;
    for (let i = 0; i < rng.poisson(downloads * this.scale); i++) {
      this.flow(rng, this.at(hourStart, rng), sccm, PROCESSES.smsexec, this.ent.serviceAccounts.sccm, this.ent.service('winupdate'), 2);
    }
    // Clients pull the approved updates from the distribution point on Wednesday.
    if (day === 3 && h >= 9 && h < 17) {
      for (const host of this.ent.workstations) {
        if (!rng.chance(0.12)) continue;
        this.flow(rng, this.at(hourStart, rng), host, PROCESSES.ccmexec, SYSTEM_ACCOUNTS.system, this.ent.service('sccm-dp'), 40);
      }
    }
    // A few machines still go to Windows Update directly.
    for (let i = 0; i < rng.poisson(0.02 * this.ent.workstations.length * this.scale); i++) {
      const host = rng.pick(this.ent.workstations);
      this.flow(rng, this.at(hourStart, rng), host, PROCESSES.svchostWu, SYSTEM_ACCOUNTS.system, this.ent.service('winupdate'), 0.1);
    }
  }

  private build(hourStart: number, rng: Rng): void {
    if (isWeekend(hourStart)) return;
    const host = this.ent.one('build');
    const busy = officeActivity(hourStart);
    const account = this.ent.serviceAccounts.build;
    for (let i = 0; i < rng.poisson(6 * busy * this.scale); i++) this.flow(rng, this.at(hourStart, rng), host, PROCESSES.git, account, this.ent.service('github'));
    for (let i = 0; i < rng.poisson(3 * busy * this.scale); i++) this.flow(rng, this.at(hourStart, rng), host, PROCESSES.docker, account, this.ent.service('dockerhub'));
    for (let i = 0; i < rng.poisson(2.5 * busy * this.scale); i++) this.flow(rng, this.at(hourStart, rng), host, PROCESSES.docker, account, this.ent.service('registry'));
  }

  private rdp(hourStart: number, rng: Rng): void {
    const busy = officeActivity(hourStart);
    const jump = this.ent.one('jump');
    const admin = this.ent.serviceAccounts.admin;
    for (let i = 0; i < rng.poisson(4 * busy * this.scale); i++) {
      const target = rng.pick(this.ent.servers);
      if (target === jump) continue;
      const service: Service = { ...this.ent.service('rdp'), addresses: [target.ip], server: target, names: [] };
      this.flow(rng, this.at(hourStart, rng), jump, PROCESSES.mstsc, admin, service);
    }
    // Admins reach the jump host from their workstations.
    for (let i = 0; i < rng.poisson(2 * busy * this.scale); i++) {
      const ws = this.ent.workstations[(i * 13) % Math.min(8, this.ent.workstations.length)]!;
      this.flow(rng, this.at(hourStart, rng), ws, PROCESSES.mstsc, admin, this.ent.service('rdp'));
    }
  }

  private maintenance(hourStart: number, rng: Rng): void {
    if (hourOfDay(hourStart) !== 3) return;
    const script = 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Maintenance\\Invoke-NightlyMaintenance.ps1';
    for (const server of this.ent.servers) {
      if (!(server.role === 'app' || server.role === 'db' || server.role === 'file')) continue;
      const t = hourStart + 5 * MS_PER_MINUTE + rng.int(10 * MS_PER_MINUTE);
      this.tel.processEvent({ time: t, host: server, parent: PROCESSES.taskhost, process: PROCESSES.powershell, commandLine: script, account: SYSTEM_ACCOUNTS.system }, null);
      this.flow(rng, t + 2_000, server, PROCESSES.powershell, SYSTEM_ACCOUNTS.system, this.ent.service('winupdate'), 0.001, script);
    }
  }

  private monitoring(hourStart: number, rng: Rng): void {
    const mon = this.ent.one('monitor');
    const minutes = Math.max(1, Math.round(60 * Math.min(1, this.scale)));
    for (let m = 0; m < minutes; m++) {
      const t = hourStart + Math.floor((m * MS_PER_HOUR) / minutes);
      for (const target of this.monitorTargets) {
        this.tel.dnsQuery(mon, t + rng.int(2000), target.name, target.answers, null, { process: PROCESSES.zabbix, account: SYSTEM_ACCOUNTS.system });
      }
    }
  }

  private mail(hourStart: number, rng: Rng): void {
    const relay = this.ent.one('mail');
    const busy = serverActivity(hourStart);
    for (let i = 0; i < rng.poisson(20 * busy * this.hostScale * this.scale); i++) {
      this.flow(rng, this.at(hourStart, rng), relay, PROCESSES.exchange, SYSTEM_ACCOUNTS.system, this.ent.service('mx'));
    }
    // Applications hand mail to the relay.
    for (let i = 0; i < rng.poisson(10 * busy * this.scale); i++) {
      const app = rng.pick(this.ent.byRole.get('app') ?? this.ent.servers);
      this.flow(rng, this.at(hourStart, rng), app, PROCESSES.exchange, SYSTEM_ACCOUNTS.system, this.ent.service('smtp-relay'));
    }
  }

  private appServers(hourStart: number, rng: Rng): void {
    const busy = serverActivity(hourStart);
    const dbs = this.ent.byRole.get('db') ?? [];
    for (const app of this.ent.byRole.get('app') ?? []) {
      if (dbs.length === 0) break;
      const db = dbs[app.index % dbs.length]!;
      const sql: Service = { key: 'sql', names: [db.computer.toLowerCase()], addresses: [db.ip], port: 1433, transport: 'Tcp', app: 'mssql-db', public: false, sentMedian: 3_000, sentSigma: 1.0, receivedMedian: 40_000, receivedSigma: 1.5, server: db };
      for (let i = 0; i < rng.poisson(8 * busy * app.weight * this.scale); i++) {
        this.flow(rng, this.at(hourStart, rng), app, PROCESSES.jenkins, SYSTEM_ACCOUNTS.system, sql);
      }
    }
  }
}

