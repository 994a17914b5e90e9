// Locations used by tests. Tests run from dist/test/..., so resolve from the repo root.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repo root not found');
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
/** ../shared beside the checkout: seeds, schemas, corpus, real log samples. Read in place. */
export const SHARED = path.resolve(REPO_ROOT, '..', 'shared');
export const SEED_QUERIES = path.join(SHARED, 'seeds', 'queries');
export const CORPUS = path.join(SHARED, 'sentinel', 'corpus.jsonl');
