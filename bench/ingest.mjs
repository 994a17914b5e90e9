// Ingest throughput on one core into a null sink: CEF lines and Zeek conn rows.
// Run after building: node bench/ingest.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingest } from '../dist/src/ingest/pipeline.js';
import { NullSink } from '../dist/src/ingest/sink.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-ingest-bench-'));
const N = Number(process.env.BENCH_ROWS ?? 400_000);

function write(name, header, make) {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  if (header) fs.writeSync(fd, header);
  let batch = [];
  for (let i = 0; i < N; i++) {
    batch.push(make(i));
    if (batch.length === 10_000) { fs.writeSync(fd, batch.join('\n') + '\n'); batch = []; }
  }
  if (batch.length) fs.writeSync(fd, batch.join('\n') + '\n');
  fs.closeSync(fd);
  return file;
}

const cef = write('cef.log', '', (i) =>
  `<134>Nov 14 22:13:20 fw01 CEF:0|Palo Alto Networks|PAN-OS|10.1|end|TRAFFIC|3|rt=Nov 14 2023 22:13:20 src=10.0.${i % 250}.${i % 200} dst=203.0.113.${i % 250} spt=${1024 + (i % 60000)} dpt=443 proto=TCP act=allow app=ssl in=${i % 100000} out=${(i * 7) % 1000000} suser=corp\\\\user${i % 100} cs1Label=Rule cs1=allow-web cn1Label=SessionID cn1=${i} deviceExternalId=0123456789 msg=session ended normally`);
const zeekHeader = '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2024-01-01-00-00-00\n' +
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n' +
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n';
const zeek = write('conn.log', zeekHeader, (i) =>
  `${1700000000 + i}.${String(i % 1000000).padStart(6, '0')}\tC${i.toString(36)}abcdef\t10.0.${i % 250}.${i % 200}\t${1024 + (i % 60000)}\t203.0.113.${i % 250}\t443\ttcp\tssl\t${(i % 1000) / 1000}\t${i % 5000}\t${i % 90000}\tSF\tT\tF\t0\tShADadFf\t${i % 50}\t${i % 7000}\t${i % 60}\t${i % 95000}\t(empty)`);

async function measure(label, file) {
  await ingest([file], new NullSink(), {}); // warm-up
  const t0 = process.hrtime.bigint();
  const s = await ingest([file], new NullSink(), {});
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label}: ${s.rows} rows in ${seconds.toFixed(2)} s = ${Math.round(s.rows / seconds).toLocaleString('en-US')} rows/s (quarantined ${s.quarantined})`);
}

await measure('CEF (syslog-wrapped)', cef);
await measure('Zeek conn TSV', zeek);
fs.rmSync(dir, { recursive: true, force: true });
