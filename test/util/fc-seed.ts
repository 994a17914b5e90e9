// Preloaded into every test process (scripts/run-tests.mjs): property tests draw from a fixed
// seed so CI is deterministic. Explore other cases with FC_SEED=<n> npm test.
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED'] ?? 20261122);
fc.configureGlobal({ seed });
