import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, MigrationError, openStateDb, type Migration } from '../../src/store/state-db.js';
import { tempDir } from './helpers.js';

test('migrations apply once, in order, per component; a failing one rolls back', () => {
  const dir = tempDir();
  const detections: Migration[] = [
    { version: 1, description: 'alerts', up: (db) => db.exec('CREATE TABLE alerts (id INTEGER PRIMARY KEY, rule TEXT)') },
  ];
  const db = openStateDb(dir, { detect: detections });
  db.prepare('INSERT INTO watchlists VALUES (?, ?, ?, ?)').run('vip', 'VIPs', 'upn', '2024-05-01');
  db.prepare('INSERT INTO alerts (rule) VALUES (?)').run('r1');
  db.close();

  const again = openStateDb(dir, { detect: detections });
  assert.equal(migrate(again, 'detect', detections), 0, 'already applied');
  assert.equal((again.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n, 1);

  const broken: Migration[] = [...detections, {
    version: 2, description: 'half done',
    up: (d) => { d.exec('CREATE TABLE partial (x)'); throw new Error('boom'); },
  }];
  assert.throws(() => migrate(again, 'detect', broken), /boom/);
  assert.equal(again.prepare("SELECT name FROM sqlite_master WHERE name = 'partial'").get(), undefined, 'rolled back');
  assert.throws(() => migrate(again, 'detect', [detections[0]!, { ...detections[0]!, version: 3 }]), MigrationError);
  assert.throws(() => migrate(again, 'detect', []), /newer than this build knows/);
  again.close();
});
