// The rule files of a pack: folders are searched for Sentinel rule files (.yaml, .yml, .json),
// in name order so that runs and reports list rules the same way every time.

import fs from 'node:fs';
import path from 'node:path';

const RULE_FILE = /\.(ya?ml|json)$/i;

export function ruleFilesIn(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new Error(`no such rule file or folder: ${p}`);
    }
    if (!stat.isDirectory()) {
      out.push(p);
      return;
    }
    for (const name of fs.readdirSync(p).sort()) {
      const full = path.join(p, name);
      if (fs.statSync(full).isDirectory() || RULE_FILE.test(name)) walk(full);
    }
  };
  for (const p of paths) walk(p);
  return out;
}
