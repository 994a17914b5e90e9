// Regenerates docs/coverage.md from the code. Run after `npm run build`: node tools/coverage.mjs
import fs from 'node:fs';
import { coverageMarkdown } from '../dist/src/kql/coverage/coverage.js';

fs.writeFileSync('docs/coverage.md', coverageMarkdown());
console.log('wrote docs/coverage.md');
