// Where the store lives: --store DIR, else $KQLHUNT_STORE, else ~/.kqlhunt/store.

import os from 'node:os';
import path from 'node:path';

export function storeDirectory(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return path.resolve(flag);
  const fromEnv = env['KQLHUNT_STORE'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.join(os.homedir(), '.kqlhunt', 'store');
}
