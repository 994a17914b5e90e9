import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../src/detect/alerts.js';
import { CefSyslogSink, JsonLinesSink, parseSink, SinkError, toCef, WebhookSink } from '../../src/detect/sinks.js';

const ALERT: Alert = {
  alertId: 'a1b2c3d4-0000-5000-8000-000000000001', ruleId: 'r-1', ruleName: 'Rule | one', ruleFile: 'r.yaml', severity: 'High',
  displayName: 'Scan from 203.0.113.5', description: 'line one\nkey=value', tactics: ['Discovery'], techniques: ['T1046'],
  runTime: '2024-05-01T10:00:00Z', windowStart: '2024-05-01T09:00:00Z', windowEnd: '2024-05-01T10:00:00Z', aggregationKind: 'SingleAlert',
  entities: [{ type: 'IP', identifiers: { Address: '203.0.113.5' } }, { type: 'Host', identifiers: { HostName: 'web01' } }],
  customDetails: {}, dynamicProperties: {}, resultCount: 2, rows: [],
};

test('CEF: escaped header and extension, entities in standard keys', () => {
  const cef = toCef(ALERT, '0.1.0');
  assert.ok(cef.startsWith('CEF:0|kqlhunt|kqlhunt|0.1.0|r-1|Scan from 203.0.113.5|8|'), cef);
  assert.match(cef, / msg=line one\\nkey\\=value /);
  assert.match(cef, / src=203\.0\.113\.5/);
  assert.match(cef, / shost=web01/);
  assert.match(cef, /rt=1714557600000/);
  assert.match(toCef({ ...ALERT, ruleId: '', displayName: 'a|b\\c' }, '1'), /\|Rule \\\| one\|a\\\|b\\\\c\|/);
});

test('webhook: POSTs JSON, retries 5xx with backoff, gives up on 4xx, bounded attempts', async () => {
  const seen: { status: number; body: string }[] = [];
  const plan = [503, 200, 400, 500, 500, 500];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const status = plan[seen.length] ?? 200;
      seen.push({ status, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  try {
    const sink = new WebhookSink(url, { attempts: 3, backoffMs: 5 });
    await sink.send([ALERT]);
    assert.equal(seen.length, 2, 'one retry after the 503');
    assert.equal(JSON.parse(seen[1]!.body).alertId, ALERT.alertId);
    await assert.rejects(sink.send([ALERT]), (e: Error) => e instanceof SinkError && /HTTP 400/.test(e.message));
    assert.equal(seen.length, 3, 'a 400 is not retried');
    await assert.rejects(sink.send([ALERT]), /HTTP 500/);
    assert.equal(seen.length, 6, 'three attempts, then it gives up');
  } finally {
    server.close();
  }
  await assert.rejects(new WebhookSink(url, { attempts: 2, backoffMs: 1 }).send([ALERT]), SinkError, 'connection refused after the server closed');
});

test('CEF over syslog UDP: one datagram per alert, RFC 3164 framing', async () => {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const got = new Promise<string>((r) => socket.once('message', (m) => r(m.toString('utf8'))));
  try {
    await new CefSyslogSink('udp', '127.0.0.1', socket.address().port, '0.1.0').send([ALERT]);
    const msg = await got;
    assert.match(msg, /^<163>May  1 10:00:00 \S+ CEF:0\|kqlhunt\|/);
  } finally {
    socket.close();
  }
});

test('CEF over syslog TCP: newline-framed messages', async () => {
  let received = '';
  const done = new Promise<void>((resolve) => {
    const server = net.createServer((c) => {
      c.on('data', (d) => { received += d.toString('utf8'); });
      c.on('end', () => { server.close(); resolve(); });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      void parseSink(`cef+tcp://127.0.0.1:${port}`, '0.1.0').send([ALERT, { ...ALERT, alertId: 'second', severity: 'Low' }]);
    });
  });
  await done;
  const lines = received.split('\n').filter(Boolean);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^<165>.*externalId=second/);
});

test('JSON lines sink appends one alert per line; bad sink specs are refused', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-sink-')), 'alerts.jsonl');
  const sink = parseSink(`jsonl:${file}`, '0');
  assert.ok(sink instanceof JsonLinesSink);
  await sink.send([ALERT]);
  await sink.send([ALERT]);
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 2);
  assert.throws(() => parseSink('ftp://x', '0'), SinkError);
  assert.throws(() => parseSink('cef+udp://host:70000', '0'), SinkError);
});
