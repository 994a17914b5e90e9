// Sends every row to two sinks (NDJSON files and the store in one run). Both number rows the
// same way, so the row indexes in labels.json hold for either.

import type { CiscoAsaRow, DnsRow, FieldList, NetworkRow, PaloAltoRow, TableName, TelemetrySink, VmConnectionRow } from './rows.js';

export class TeeSink implements TelemetrySink {
  constructor(private readonly first: TelemetrySink, private readonly second: TelemetrySink) {}
  dns(row: DnsRow): number { this.second.dns(row); return this.first.dns(row); }
  network(row: NetworkRow): number { this.second.network(row); return this.first.network(row); }
  vmConnection(row: VmConnectionRow): number { this.second.vmConnection(row); return this.first.vmConnection(row); }
  paloAlto(row: PaloAltoRow): number { this.second.paloAlto(row); return this.first.paloAlto(row); }
  ciscoAsa(row: CiscoAsaRow): number { this.second.ciscoAsa(row); return this.first.ciscoAsa(row); }
  fields(table: TableName, time: number, fields: FieldList): number { this.second.fields(table, time, fields); return this.first.fields(table, time, fields); }
  rowCount(table: TableName): number { return this.first.rowCount(table); }
  totalRows(): number { return this.first.totalRows(); }
  finishBefore(ms: number): void { this.first.finishBefore?.(ms); this.second.finishBefore?.(ms); }
  dayEnds(ms: number): void { this.first.dayEnds?.(ms); this.second.dayEnds?.(ms); }
  flush(): void { this.first.flush?.(); this.second.flush?.(); }
}
