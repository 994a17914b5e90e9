// Sentinel's entity types and the identifiers each can be mapped by (Microsoft Sentinel
// entity types reference, "Entity types and identifiers"), and entity extraction from rows.

/** Entity type (as the analytics-rule API spells it) -> the identifiers it accepts. */
export const ENTITY_IDENTIFIERS: Readonly<Record<string, readonly string[]>> = {
  Account: ['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid'],
  Host: ['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'],
  IP: ['Address', 'AddressScope'],
  URL: ['Url'],
  AzureResource: ['ResourceId'],
  CloudApplication: ['AppId', 'Name', 'InstanceName'],
  DNS: ['DomainName'],
  File: ['Directory', 'Name'],
  FileHash: ['Algorithm', 'Value'],
  Malware: ['Name', 'Category'],
  Process: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
  RegistryKey: ['Hive', 'Key'],
  RegistryValue: ['Name', 'Value', 'ValueType'],
  SecurityGroup: ['DistinguishedName', 'SID', 'ObjectGuid'],
  Mailbox: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'],
  MailCluster: [
    'NetworkMessageIds', 'CountByDeliveryStatus', 'CountByThreatType', 'CountByProtectionStatus', 'Threats', 'Query',
    'QueryTime', 'MailCount', 'IsVolumeAnomaly', 'Source', 'ClusterSourceIdentifier', 'ClusterSourceType',
    'ClusterQueryStartTime', 'ClusterQueryEndTime', 'ClusterGroup',
  ],
  MailMessage: [
    'Recipient', 'Urls', 'Threats', 'Sender', 'P1Sender', 'P1SenderDisplayName', 'P1SenderDomain', 'SenderIP', 'P2Sender',
    'P2SenderDisplayName', 'P2SenderDomain', 'ReceivedDate', 'NetworkMessageId', 'InternetMessageId', 'Subject',
    'BodyFingerprintBin1', 'BodyFingerprintBin2', 'BodyFingerprintBin3', 'BodyFingerprintBin4', 'BodyFingerprintBin5',
    'AntispamDirection', 'DeliveryAction', 'DeliveryLocation', 'Language', 'ThreatDetectionMethods',
  ],
  SubmissionMail: ['NetworkMessageId', 'Timestamp', 'Recipient', 'Sender', 'SenderIp', 'Subject', 'ReportType', 'SubmissionId', 'SubmissionDate', 'Submitter'],
};

export const ENTITY_TYPES: readonly string[] = Object.keys(ENTITY_IDENTIFIERS);

/**
 * Built-in account names: Sentinel drops an Account entity mapped by Name alone when its
 * name is one of these (entity reference, note under Account).
 */
const GENERIC_ACCOUNT_NAMES = new Set([
  'ADMIN', 'ADMINISTRATOR', 'SYSTEM', 'ROOT', 'ANONYMOUS', 'AUTHENTICATED USER', 'NETWORK', 'NULL', 'LOCAL SYSTEM',
  'LOCALSYSTEM', 'NETWORK SERVICE',
]);

export type Lookup = { exact: string } | { caseOf: string } | undefined;

function lookupIn(name: string, candidates: readonly string[]): Lookup {
  if (candidates.includes(name)) return { exact: name };
  const folded = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  return folded === undefined ? undefined : { caseOf: folded };
}

/** `exact` when spelled as the API spells it, `caseOf` when only the letter case differs. */
export function lookupEntityType(name: string): Lookup {
  return lookupIn(name, ENTITY_TYPES);
}

export function lookupIdentifier(entityType: string, identifier: string): Lookup {
  const ids = ENTITY_IDENTIFIERS[entityType];
  return ids === undefined ? undefined : lookupIn(identifier, ids);
}

export interface FieldMapping {
  identifier: string;
  columnName: string;
}

export interface EntityMapping {
  entityType: string;
  fieldMappings: FieldMapping[];
}

export type IdentifierValue = string | number | boolean;

/** An entity on an alert: its type and identifier values, as in Sentinel's alert entities. */
export interface Entity {
  type: string;
  identifiers: Record<string, IdentifierValue>;
}

/** A result row as JSON values (column name -> value). */
export type JsonRow = Record<string, unknown>;

function identifierValue(v: unknown): IdentifierValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  // Arrays and bags: Sentinel maps their JSON text.
  return JSON.stringify(v);
}

/** Canonical spelling of a type as the rule wrote it in another case (`Url` -> `URL`). */
function canonicalType(type: string): string {
  const l = lookupEntityType(type);
  return l === undefined ? type : 'exact' in l ? l.exact : l.caseOf;
}

/**
 * The entities of one row: identifiers with empty values are left out, an entity with no
 * identifier left is dropped, and so is an Account identified only by a generic built-in Name.
 */
export function entitiesOfRow(mappings: readonly EntityMapping[], row: JsonRow): Entity[] {
  const out: Entity[] = [];
  for (const m of mappings) {
    const identifiers: Record<string, IdentifierValue> = {};
    for (const f of m.fieldMappings) {
      const v = identifierValue(row[f.columnName]);
      if (v !== undefined) identifiers[f.identifier] = v;
    }
    const keys = Object.keys(identifiers);
    if (keys.length === 0) continue;
    const type = canonicalType(m.entityType);
    if (type === 'Account' && keys.length === 1 && keys[0] === 'Name' && GENERIC_ACCOUNT_NAMES.has(String(identifiers['Name']).toUpperCase())) continue;
    out.push({ type, identifiers });
  }
  return out;
}

/** Identity of an entity for de-duplication and incident matching (type + sorted identifiers, case-folded). */
export function entityKey(e: Entity): string {
  const ids = Object.keys(e.identifiers).sort().map((k) => `${k}=${String(e.identifiers[k]).toLowerCase()}`);
  return `${e.type}|${ids.join('|')}`;
}

/** Most entities an alert carries; Sentinel caps an alert's entities at 500 as well. */
export const MAX_ENTITIES_PER_ALERT = 500;

export function uniqueEntities(entities: Iterable<Entity>): Entity[] {
  const seen = new Map<string, Entity>();
  for (const e of entities) {
    const k = entityKey(e);
    if (!seen.has(k)) seen.set(k, e);
    if (seen.size >= MAX_ENTITIES_PER_ALERT) break;
  }
  return [...seen.values()];
}
