// The simulated enterprise: its sites, subnets, machines, people and the services they use.
// Everything else (baseline traffic, attacks, every table) draws on this one model, which is
// what makes the tables agree with each other: the same host has the same name, address,
// agent ids and processes wherever it appears.

import { PROCESSES, type ProcessDef } from './catalog.js';
import { addressOf, intToIp, ipToInt } from './geo.js';
import { Rng } from './prng.js';

export type SiteName = 'HQ' | 'BRANCH';

export interface Site {
  name: SiteName;
  /** The perimeter firewall every public flow of the site crosses. */
  firewall: { vendor: 'Palo Alto Networks' | 'Cisco'; product: 'PAN-OS' | 'ASA'; deviceName: string; natIp: string };
  dnsServer?: Host;
}

export type Role =
  | 'workstation' | 'dc' | 'file' | 'sccm' | 'backup' | 'logfwd' | 'build' | 'mail' | 'monitor' | 'jump' | 'app' | 'db';

export interface Account {
  name: string;
  domain: string;
  sid: string;
  upn: string;
  /** `CONTOSO\jsmith` as firewalls with User-ID show it. */
  firewallUser: string;
}

export interface Host {
  index: number;
  role: Role;
  site: Site;
  /** `HQ-WS0042.corp.contoso.com` (Log Analytics Computer). */
  computer: string;
  /** Lower-case FQDN, as Defender for Endpoint reports DeviceName. */
  deviceName: string;
  ip: string;
  deviceId: string;
  agentId: string;
  /** Relative activity: lognormal across hosts, so a few machines carry much of the traffic. */
  weight: number;
  /** The signed-in user of a workstation; servers run as service accounts. */
  user: Account;
}

export interface Service {
  key: string;
  /** DNS names clients look up; the first is the usual one. Empty for address-only services. */
  names: string[];
  addresses: string[];
  port: number;
  transport: 'Tcp' | 'Udp';
  /** Palo Alto App-ID. */
  app: string;
  public: boolean;
  /** Medians and lognormal shapes of bytes each way per connection. */
  sentMedian: number;
  sentSigma: number;
  receivedMedian: number;
  receivedSigma: number;
  /** The machine hosting an internal service (its inbound side is logged too). */
  server?: Host;
}

export const DOMAIN = 'corp.contoso.com';
export const NETBIOS = 'CONTOSO';

export const SYSTEM_ACCOUNTS = {
  system: { name: 'system', domain: 'nt authority', sid: 'S-1-5-18', upn: '', firewallUser: '' },
  network: { name: 'network service', domain: 'nt authority', sid: 'S-1-5-20', upn: '', firewallUser: '' },
} as const satisfies Record<string, Account>;

const FIRST = ['james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'priya', 'wei', 'fatima', 'lars', 'sofia', 'ahmed', 'yuki', 'olga', 'diego', 'amara'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'patel', 'nguyen', 'kim', 'chen', 'schmidt', 'rossi', 'novak', 'silva', 'okafor'];

const SID_PREFIX = 'S-1-5-21-1004336348-1177238915-682003330';

function account(name: string, rid: number): Account {
  return { name, domain: NETBIOS.toLowerCase(), sid: `${SID_PREFIX}-${rid}`, upn: `${name}@contoso.com`, firewallUser: `${NETBIOS.toLowerCase()}\\${name}` };
}

function guidFrom(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Servers every enterprise of any size has, in the order they are created. */
const SERVER_ROLES: readonly { role: Role; name: string; site: SiteName }[] = [
  { role: 'dc', name: 'DC01', site: 'HQ' },
  { role: 'dc', name: 'DC02', site: 'BRANCH' },
  { role: 'file', name: 'FS01', site: 'HQ' },
  { role: 'file', name: 'FS02', site: 'HQ' },
  { role: 'sccm', name: 'SCCM01', site: 'HQ' },
  { role: 'backup', name: 'BKP01', site: 'HQ' },
  { role: 'logfwd', name: 'LOGFWD01', site: 'HQ' },
  { role: 'build', name: 'BUILD01', site: 'HQ' },
  { role: 'mail', name: 'MAIL01', site: 'HQ' },
  { role: 'monitor', name: 'MON01', site: 'HQ' },
  { role: 'jump', name: 'JUMP01', site: 'HQ' },
];

export class Enterprise {
  readonly sites: Record<SiteName, Site>;
  readonly hosts: Host[] = [];
  readonly workstations: Host[] = [];
  readonly servers: Host[] = [];
  readonly byRole = new Map<Role, Host[]>();
  readonly services = new Map<string, Service>();
  /** Long-tail web sites users visit, most popular first (Zipf popularity). */
  readonly webTail: Service[] = [];
  readonly serviceAccounts: Record<'backup' | 'splunk' | 'sccm' | 'build' | 'admin', Account>;

  constructor(hostCount: number, seed: number) {
    const rng = new Rng(seed, 'enterprise');
    this.sites = {
      HQ: { name: 'HQ', firewall: { vendor: 'Palo Alto Networks', product: 'PAN-OS', deviceName: 'PA-HQ-01', natIp: addressOf('enterprise', 10) } },
      BRANCH: { name: 'BRANCH', firewall: { vendor: 'Cisco', product: 'ASA', deviceName: 'ASA-BR-01', natIp: addressOf('enterprise-branch', 10) } },
    };
    this.serviceAccounts = {
      backup: account('svc_backup', 1201),
      splunk: account('svc_splunk', 1202),
      sccm: account('svc_sccm', 1203),
      build: account('svc_jenkins', 1204),
      admin: account('adm_itops', 1205),
    };
    const serverCount = Math.max(SERVER_ROLES.length, Math.round(hostCount * 0.12));
    const total = Math.max(hostCount, serverCount + 4);
    const hostRng = rng.fork('hosts');
    for (let i = 0; i < total; i++) {
      let role: Role;
      let name: string;
      let siteName: SiteName;
      if (i < SERVER_ROLES.length) {
        ({ role, name, site: siteName } = SERVER_ROLES[i]!);
      } else if (i < serverCount) {
        role = i % 3 === 0 ? 'db' : 'app';
        name = `${role === 'db' ? 'SQL' : 'APP'}${String(i).padStart(2, '0')}`;
        siteName = 'HQ';
      } else {
        role = 'workstation';
        siteName = hostRng.chance(0.25) ? 'BRANCH' : 'HQ';
        name = `${siteName === 'HQ' ? 'HQ' : 'BR'}-WS${String(i).padStart(4, '0')}`;
      }
      const site = this.sites[siteName];
      const ipText = role === 'workstation'
        ? siteName === 'HQ' ? `10.10.${1 + Math.floor(i / 250)}.${10 + (i % 240)}` : `192.168.${10 + Math.floor(i / 250)}.${20 + (i % 230)}`
        : siteName === 'HQ' ? `10.20.0.${10 + i}` : `192.168.1.${10 + i}`;
      const ip = intToIp(ipToInt(ipText));
      const computer = `${name}.${DOMAIN}`;
      const userName = `${FIRST[hostRng.int(FIRST.length)]}.${LAST[hostRng.int(LAST.length)]}${i % 7 === 0 ? String(i % 10) : ''}`;
      const host: Host = {
        index: i,
        role,
        site,
        computer,
        deviceName: computer.toLowerCase(),
        ip,
        deviceId: hostRng.hex(40),
        agentId: guidFrom(hostRng),
        weight: Math.min(12, hostRng.lognormal(1, role === 'workstation' ? 0.9 : 0.6)),
        user: role === 'workstation' ? account(userName, 2000 + i) : SYSTEM_ACCOUNTS.system,
      };
      this.hosts.push(host);
      (role === 'workstation' ? this.workstations : this.servers).push(host);
      let list = this.byRole.get(role);
      if (!list) this.byRole.set(role, (list = []));
      list.push(host);
    }
    this.sites.HQ.dnsServer = this.one('dc', 0);
    this.sites.BRANCH.dnsServer = this.one('dc', 1);
    this.buildServices(rng.fork('services'));
  }

  one(role: Role, n = 0): Host {
    const list = this.byRole.get(role);
    if (!list || list.length === 0) throw new Error(`enterprise: no ${role} host`);
    return list[n % list.length]!;
  }

  service(key: string): Service {
    const s = this.services.get(key);
    if (!s) throw new Error(`enterprise: unknown service '${key}'`);
    return s;
  }

  private add(s: Service): void {
    this.services.set(s.key, s);
  }

  private buildServices(rng: Rng): void {
    const pub = (key: string, names: string[], holder: string, first: number, count: number, port: number, app: string, sent: [number, number], received: [number, number], transport: 'Tcp' | 'Udp' = 'Tcp'): void => {
      const addresses = Array.from({ length: count }, (_, k) => addressOf(holder, first + k));
      this.add({ key, names, addresses, port, transport, app, public: true, sentMedian: sent[0], sentSigma: sent[1], receivedMedian: received[0], receivedSigma: received[1] });
    };
    // Software as a service and the internet everyone uses.
    pub('m365-mail', ['outlook.office365.com'], 'microsoft-365', 20, 4, 443, 'ms-exchange-online', [6_000, 1.2], [40_000, 1.4]);
    pub('teams', ['teams.microsoft.com', 'statics.teams.cdn.office.net'], 'microsoft', 300, 4, 443, 'ms-teams', [60_000, 1.5], [250_000, 1.5]);
    pub('sharepoint', ['contoso.sharepoint.com', 'contoso-my.sharepoint.com'], 'microsoft-365', 600, 3, 443, 'sharepoint-online', [30_000, 1.8], [150_000, 1.6]);
    pub('login', ['login.microsoftonline.com'], 'microsoft', 900, 2, 443, 'ms-office365-base', [4_000, 0.6], [9_000, 0.6]);
    pub('zoom', ['zoom.us', 'us05web.zoom.us'], 'zoom', 40, 3, 443, 'zoom', [400_000, 1.3], [900_000, 1.3]);
    pub('slack', ['slack.com', 'files.slack.com', 'wss-primary.slack.com'], 'aws-us', 7000, 3, 443, 'slack-base', [12_000, 1.4], [60_000, 1.4]);
    pub('google', ['www.google.com', 'meet.google.com', 'docs.google.com'], 'google', 100, 4, 443, 'google-base', [3_000, 1.0], [45_000, 1.3]);
    pub('github', ['github.com', 'api.github.com'], 'github', 3, 2, 443, 'github-base', [5_000, 1.3], [80_000, 1.6]);
    pub('winupdate', ['download.windowsupdate.com', 'update.microsoft.com'], 'microsoft-update', 40, 4, 443, 'ms-update', [3_000, 0.6], [25_000_000, 1.2]);
    pub('defender', ['winatp-gw-eus.microsoft.com', 'us-v20.events.data.microsoft.com'], 'microsoft', 1500, 2, 443, 'ms-defender', [20_000, 1.0], [4_000, 0.6]);
    // Heavy, benign, scheduled: the false-positive scenarios the seed rules list.
    pub('backup-s3', ['contoso-backup.s3.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'], 'aws-us-east', 500, 4, 443, 'amazon-aws-s3', [600_000_000, 0.5], [200_000, 0.4]);
    pub('backup-blob', ['contosobackup.blob.core.windows.net'], 'azure-blob-eu', 200, 2, 443, 'ms-azure-storage', [300_000_000, 0.5], [150_000, 0.4]);
    pub('siem', ['http-inputs-contoso.splunkcloud.com'], 'aws-us-2', 800, 2, 443, 'splunk', [2_500_000, 0.4], [20_000, 0.3]);
    pub('registry', ['registry.contoso-artifacts.io', 'contoso-artifacts.s3.amazonaws.com'], 'aws-us', 9000, 2, 443, 'docker-registry', [180_000_000, 0.9], [300_000, 0.5]);
    pub('dockerhub', ['registry-1.docker.io'], 'aws-us-2', 3000, 2, 443, 'docker-registry', [8_000, 0.5], [90_000_000, 1.0]);
    // External mail exchangers the mail relay delivers to.
    pub('mx', ['mx1.fabrikam-mail.com', 'mx.litware-inc.com', 'mail.northwindtraders.com', 'mx2.adatum.com'], 'ovh', 2000, 4, 25, 'smtp-base', [90_000, 1.5], [3_000, 0.5]);

    // Internal services, hosted on the enterprise's own machines.
    const internal = (key: string, name: string, server: Host, port: number, app: string, sent: [number, number], received: [number, number], transport: 'Tcp' | 'Udp' = 'Tcp'): void => {
      this.add({ key, names: name === '' ? [] : [name], addresses: [server.ip], port, transport, app, public: false, sentMedian: sent[0], sentSigma: sent[1], receivedMedian: received[0], receivedSigma: received[1], server });
    };
    internal('dns-hq', '', this.one('dc', 0), 53, 'dns', [70, 0.2], [160, 0.4], 'Udp');
    internal('dns-branch', '', this.one('dc', 1), 53, 'dns', [70, 0.2], [160, 0.4], 'Udp');
    internal('ldap', `dc01.${DOMAIN}`, this.one('dc', 0), 389, 'ldap', [1_500, 0.8], [4_000, 1.0]);
    internal('kerberos', `dc01.${DOMAIN}`, this.one('dc', 0), 88, 'kerberos', [1_600, 0.3], [1_800, 0.3]);
    internal('fs01', `fs01.${DOMAIN}`, this.one('file', 0), 445, 'ms-ds-smb', [80_000, 2.0], [400_000, 2.0]);
    internal('fs02', `fs02.${DOMAIN}`, this.one('file', 1), 445, 'ms-ds-smb', [80_000, 2.0], [400_000, 2.0]);
    internal('sccm-dp', `sccm01.${DOMAIN}`, this.one('sccm', 0), 443, 'ms-sms', [5_000, 0.8], [2_000_000, 2.0]);
    internal('rdp', '', this.one('jump', 0), 3389, 'ms-rdp', [400_000, 1.2], [4_000_000, 1.2]);
    internal('smtp-relay', `mail01.${DOMAIN}`, this.one('mail', 0), 25, 'smtp-base', [60_000, 1.5], [2_000, 0.4]);
    internal('syslog-in', `logfwd01.${DOMAIN}`, this.one('logfwd', 0), 9997, 'splunk', [40_000, 1.0], [300, 0.3]);

    // The long tail of the web: many sites, each visited rarely, which is exactly what
    // rarity-based rules trip over.
    const words = ['blue', 'river', 'stone', 'north', 'pixel', 'cloud', 'maple', 'orbit', 'cedar', 'delta', 'ember', 'frost', 'grove', 'harbor', 'iris', 'jade', 'kite', 'lumen', 'meadow', 'nova', 'oak', 'pine', 'quartz', 'raven', 'sol', 'tide', 'umber', 'vale', 'willow', 'zen'];
    const kinds = ['news', 'shop', 'travel', 'recipes', 'sports', 'tech', 'weather', 'finance', 'health', 'games', 'blog', 'review'];
    const tlds = ['com', 'com', 'com', 'net', 'org', 'co.uk', 'de', 'io'];
    const hosting = ['akamai', 'digitalocean', 'hetzner', 'ovh', 'aws-us', 'google', 'strato', 'scaleway'];
    const seen = new Set<string>();
    for (let k = 0; this.webTail.length < 900 && k < 5000; k++) {
      const domain = `${rng.pick(words)}${rng.pick(kinds)}${rng.chance(0.3) ? rng.pick(words) : ''}.${rng.pick(tlds)}`;
      if (seen.has(domain)) continue;
      seen.add(domain);
      const holder = rng.pick(hosting);
      const n = this.webTail.length;
      this.webTail.push({
        key: `web:${domain}`, names: [`www.${domain}`], addresses: [addressOf(holder, 30_000 + n * 3), addressOf(holder, 30_001 + n * 3)],
        port: 443, transport: 'Tcp', app: 'ssl', public: true, sentMedian: 2_500, sentSigma: 0.9, receivedMedian: 90_000, receivedSigma: 1.6,
      });
    }
  }
}

export const PROCESS_FOR_SERVICE: Readonly<Record<string, readonly ProcessDef[]>> = {
  'm365-mail': [PROCESSES.outlook],
  teams: [PROCESSES.teams],
  sharepoint: [PROCESSES.onedrive, PROCESSES.msedge, PROCESSES.chrome],
  login: [PROCESSES.msedge, PROCESSES.teams, PROCESSES.outlook],
  zoom: [PROCESSES.zoom],
  slack: [PROCESSES.slack],
  google: [PROCESSES.chrome, PROCESSES.msedge],
  github: [PROCESSES.chrome, PROCESSES.msedge],
  winupdate: [PROCESSES.svchostWu],
  defender: [PROCESSES.sense],
  ldap: [PROCESSES.svchostDns],
  kerberos: [PROCESSES.svchostDns],
  fs01: [PROCESSES.system],
  fs02: [PROCESSES.system],
  'sccm-dp': [PROCESSES.ccmexec],
  web: [PROCESSES.chrome, PROCESSES.msedge, PROCESSES.chrome],
};
