// The software the simulated enterprise runs: executables with the metadata Defender for
// Endpoint reports about them. Hashes are derived from the file name alone, so the same
// binary has the same hash on every host and in every run, as real binaries do.

import { Rng, hashString } from './prng.js';

export interface ProcessDef {
  /** InitiatingProcessFileName / VMConnection.ProcessName. */
  name: string;
  folder: string;
  commandLine: string;
  company: string;
  product: string;
  description: string;
  fileSize: number;
  parent: string;
  integrity: 'System' | 'High' | 'Medium';
  sha1: string;
  sha256: string;
  md5: string;
}

function def(name: string, folder: string, commandLine: string, company: string, product: string, description: string, fileSize: number, parent: string, integrity: ProcessDef['integrity']): ProcessDef {
  const r = new Rng(hashString(name), 'binary-hash');
  return { name, folder, commandLine, company, product, description, fileSize, parent, integrity, sha1: r.hex(40), sha256: r.hex(64), md5: r.hex(32) };
}

const MS = 'Microsoft Corporation';
const WINDOWS = 'Microsoft® Windows® Operating System';

export const PROCESSES = {
  chrome: def('chrome.exe', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService', 'Google LLC', 'Google Chrome', 'Google Chrome', 2_876_440, 'explorer.exe', 'Medium'),
  msedge: def('msedge.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', '"msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService', MS, 'Microsoft Edge', 'Microsoft Edge', 3_921_336, 'explorer.exe', 'Medium'),
  outlook: def('OUTLOOK.EXE', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '"OUTLOOK.EXE" ', MS, 'Microsoft Outlook', 'Microsoft Outlook', 42_125_688, 'explorer.exe', 'Medium'),
  teams: def('ms-teams.exe', 'C:\\Program Files\\WindowsApps\\MSTeams_24102.2223.2870.9480_x64__8wekyb3d8bbwe\\ms-teams.exe', '"ms-teams.exe" ', MS, 'Microsoft Teams', 'Microsoft Teams', 110_472_504, 'explorer.exe', 'Medium'),
  onedrive: def('OneDrive.exe', 'C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe', '"OneDrive.exe" /background', MS, 'Microsoft OneDrive', 'Microsoft OneDrive', 3_473_200, 'explorer.exe', 'Medium'),
  zoom: def('Zoom.exe', 'C:\\Users\\Public\\Zoom\\bin\\Zoom.exe', '"Zoom.exe" --action=join', 'Zoom Video Communications, Inc.', 'Zoom', 'Zoom Meetings', 406_784, 'explorer.exe', 'Medium'),
  slack: def('slack.exe', 'C:\\Program Files\\Slack\\slack.exe', '"slack.exe" --process-start-args --startup', 'Slack Technologies Inc.', 'Slack', 'Slack', 150_102_608, 'explorer.exe', 'Medium'),
  svchostDns: def('svchost.exe', 'C:\\Windows\\System32\\svchost.exe', 'svchost.exe -k NetworkService -p -s Dnscache', MS, WINDOWS, 'Host Process for Windows Services', 55_320, 'services.exe', 'System'),
  svchostWu: def('svchost.exe', 'C:\\Windows\\System32\\svchost.exe', 'svchost.exe -k netsvcs -p -s wuauserv', MS, WINDOWS, 'Host Process for Windows Services', 55_320, 'services.exe', 'System'),
  system: def('System', '', '', '', '', '', 0, '', 'System'),
  sense: def('MsSense.exe', 'C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe', '"MsSense.exe"', MS, WINDOWS, 'Windows Defender Advanced Threat Protection Service Executable', 5_233_864, 'services.exe', 'System'),
  ccmexec: def('CcmExec.exe', 'C:\\Windows\\CCM\\CcmExec.exe', 'C:\\Windows\\CCM\\CcmExec.exe', MS, 'System Center Configuration Manager', 'Host Process for Microsoft Configuration Manager', 3_284_872, 'services.exe', 'System'),
  smsexec: def('smsexec.exe', 'D:\\Program Files\\Microsoft Configuration Manager\\bin\\x64\\smsexec.exe', '"smsexec.exe"', MS, 'System Center Configuration Manager', 'SMS Executive', 9_911_432, 'services.exe', 'System'),
  backup: def('VeeamAgent.exe', 'C:\\Program Files\\Veeam\\Backup and Replication\\Backup\\VeeamAgent.exe', '"VeeamAgent.exe" -l "C:\\ProgramData\\Veeam\\Backup\\Job.Nightly-S3\\Agent.Target.log"', 'Veeam Software Group GmbH', 'Veeam Agent', 'Veeam Agent', 38_471_256, 'Veeam.Backup.Manager.exe', 'System'),
  splunk: def('splunkd.exe', 'C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe', '"splunkd.exe" service', 'Splunk Inc.', 'Splunk Universal Forwarder', 'Splunk service', 62_890_112, 'services.exe', 'System'),
  zabbix: def('zabbix_agentd.exe', 'C:\\Program Files\\Zabbix Agent\\zabbix_agentd.exe', '"zabbix_agentd.exe" --config "C:\\Program Files\\Zabbix Agent\\zabbix_agentd.conf"', 'Zabbix SIA', 'Zabbix', 'Zabbix Agent', 1_928_704, 'services.exe', 'System'),
  jenkins: def('java.exe', 'C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.9.9-hotspot\\bin\\java.exe', '"java.exe" -jar "C:\\Program Files\\Jenkins\\jenkins.war" --httpPort=8080', 'Eclipse Adoptium', 'OpenJDK Platform 17.0.9', 'OpenJDK Platform binary', 33_232, 'jenkins.exe', 'System'),
  docker: def('docker.exe', 'C:\\Program Files\\Docker\\docker.exe', 'docker.exe push registry.contoso-artifacts.io/apps/billing:1.42.0', 'Docker Inc.', 'Docker', 'Docker CLI', 52_102_144, 'java.exe', 'High'),
  git: def('git.exe', 'C:\\Program Files\\Git\\mingw64\\bin\\git.exe', 'git.exe fetch --prune origin', 'The Git Development Community', 'Git', 'Git for Windows', 4_063_232, 'java.exe', 'High'),
  mstsc: def('mstsc.exe', 'C:\\Windows\\System32\\mstsc.exe', '"mstsc.exe" /v:', MS, WINDOWS, 'Remote Desktop Connection', 1_403_392, 'explorer.exe', 'Medium'),
  exchange: def('EdgeTransport.exe', 'D:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\EdgeTransport.exe', '"EdgeTransport.exe"', MS, 'Microsoft® Exchange', 'Microsoft Exchange EdgeTransport', 54_216, 'MSExchangeTransport.exe', 'System'),
  taskhost: def('taskhostw.exe', 'C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe', MS, WINDOWS, 'Host Process for Windows Tasks', 101_136, 'svchost.exe', 'System'),
  sqlservr: def('sqlservr.exe', 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe', '"sqlservr.exe" -sMSSQLSERVER', MS, 'Microsoft SQL Server', 'SQL Server Windows NT - 64 Bit', 463_496, 'services.exe', 'System'),
  explorer: def('explorer.exe', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', MS, WINDOWS, 'Windows Explorer', 5_213_688, 'userinit.exe', 'Medium'),
  winword: def('WINWORD.EXE', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '"WINWORD.EXE" /n', MS, 'Microsoft Office', 'Microsoft Word', 1_634_080, 'explorer.exe', 'Medium'),
  // Tools attackers use; also present on admin machines, which is what makes them hard to flag.
  powershell: def('powershell.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe', MS, WINDOWS, 'Windows PowerShell', 448_000, 'explorer.exe', 'Medium'),
  rclone: def('rclone.exe', 'C:\\Users\\Public\\Libraries\\rclone.exe', 'rclone.exe copy', 'https://rclone.org', 'Rclone', 'Rsync for cloud storage', 46_311_424, 'cmd.exe', 'High'),
  ftp: def('ftp.exe', 'C:\\Windows\\System32\\ftp.exe', 'ftp.exe -s:C:\\ProgramData\\f.txt', MS, WINDOWS, 'File Transfer Program', 64_000, 'cmd.exe', 'Medium'),
  pscp: def('pscp.exe', 'C:\\ProgramData\\pscp.exe', 'pscp.exe -batch -r', 'Simon Tatham', 'PuTTY suite', 'Command-line SCP/SFTP client', 831_568, 'cmd.exe', 'High'),
  robocopy: def('Robocopy.exe', 'C:\\Windows\\System32\\Robocopy.exe', 'robocopy.exe', MS, WINDOWS, 'Microsoft Robocopy', 135_680, 'cmd.exe', 'High'),
  rundll32: def('rundll32.exe', 'C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe C:\\ProgramData\\Intel\\igfxsrv.dll,DllRegisterServer', MS, WINDOWS, 'Windows host process (Rundll32)', 71_680, 'explorer.exe', 'Medium'),
  bitsadmin: def('bitsadmin.exe', 'C:\\Windows\\System32\\bitsadmin.exe', 'bitsadmin.exe /transfer', MS, WINDOWS, 'BITS administration utility', 189_440, 'cmd.exe', 'Medium'),
  curl: def('curl.exe', 'C:\\Windows\\System32\\curl.exe', 'curl.exe', 'curl, https://curl.se/', 'The curl executable', 'The curl executable', 530_432, 'cmd.exe', 'Medium'),
  tunnel: def('wintun-svc.exe', 'C:\\ProgramData\\WinTun\\wintun-svc.exe', 'wintun-svc.exe --mode gre', '', '', '', 2_312_192, 'services.exe', 'System'),
  updater: def('svcupdate.exe', 'C:\\Windows\\Temp\\svcupdate.exe', 'C:\\Windows\\Temp\\svcupdate.exe /silent', '', '', '', 1_128_448, 'services.exe', 'System'),
} as const satisfies Record<string, ProcessDef>;

export type ProcessKey = keyof typeof PROCESSES;
