// Which simulator scenarios each rule of the built-in pack is written to catch. The tests
// assert these (the rule fires on the scenario and not on the benign baseline); the
// evaluation computes each rule's recall over them. Keys are rule file names without the
// extension, so a renamed rule fails loudly rather than silently dropping out.

export const RULE_TARGETS: Readonly<Record<string, readonly string[]>> = {
  '00-timeseries-anomaly-public-transfer': ['burst-upload-new-ip'],
  '01-large-transfer-non-allowlisted-ip': ['burst-upload-new-ip', 'cloud-storage-upload', 'ftp-exfiltration', 'ssh-exfiltration', 'smb-exfiltration', 'first-seen-destination', 'rare-domain-transfer'],
  '02-rare-process-external-connections': ['cloud-storage-upload', 'low-and-slow', 'c2-beacon'],
  '03-process-direct-dns-queries': ['dns-tunnelling'],
  '04-dns-tunnelling-subdomain-entropy': ['dns-tunnelling'],
  '05-http-post-to-bare-ip': ['http-post-exfiltration'],
  '06-personal-cloud-storage-upload': ['cloud-storage-upload'],
  '07-ftp-upload-to-internet': ['ftp-exfiltration'],
  '08-smtp-from-non-mail-process': ['smtp-exfiltration'],
  '09-ssh-scp-upload-to-internet': ['ssh-exfiltration'],
  '10-upload-heavy-encrypted-session': ['burst-upload-new-ip', 'cloud-storage-upload', 'low-and-slow', 'first-seen-destination', 'rare-domain-transfer'],
  '11-smb-to-internet': ['smb-exfiltration'],
  '12-unusual-ip-protocol': ['unusual-protocol'],
  '13-download-then-execute': ['ioc-file-download'],
  '14-rare-dns-lookup-with-data-transfer': ['rare-domain-transfer'],
  '15-rare-country-connection-by-process': ['rare-country-process'],
  '16-beaconing-interval-regularity': ['c2-beacon'],
  '17-first-seen-destination-with-volume': ['first-seen-destination', 'burst-upload-new-ip'],
  '18-upload-download-ratio-shift': ['smb-exfiltration', 'first-seen-destination', 'low-and-slow'],
  '19-low-and-slow-cumulative-upload': ['low-and-slow'],
  '20-long-or-persistent-connection': ['c2-beacon'],
  '21-per-host-upload-anomaly': ['burst-upload-new-ip', 'ftp-exfiltration', 'ssh-exfiltration', 'first-seen-destination'],
  // The simulator injects no DGA scenario: rule 22 is tested on a real capture (test/rules/stratosphere.test.ts)
  // and must stay quiet on the simulated baseline.
  '22-dns-beaconing-dga': [],
};

/** `content/rules/07-ftp-upload-to-internet.yaml` -> `07-ftp-upload-to-internet`. */
export function ruleKey(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '');
}
