// Usage text for `kqlhunt help` and `--help` of each command.

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  query: `Usage: kqlhunt query [QUERY] [options]

Runs one KQL query over tables loaded from files and prints the result.
The query comes from QUERY, from -f FILE, or from standard input.

Options:
  -f, --file FILE          read the query from FILE (.kql, or a rule .yaml: its query)
  --data PATH              load data (repeatable): FILE (table named after the file,
                           VMConnection.csv -> VMConnection), Name=FILE, or a folder
                           (every supported file in it). Formats: .csv .tsv .json
                           .jsonl .ndjson .parquet, and .gz of the text formats
  --schemas DIR            more table/function schemas (repeatable; the last wins)
  --format FORMAT          table (default), json, csv, ndjson
  --now ISO8601            the value of now() (default: the current time)
  --param NAME=VALUE       a query parameter (repeatable)
  --max-rows N             fail when the result (or any step) exceeds N rows
  --timeout SECONDS        fail when the query runs longer than SECONDS
  -h, --help               show this help

Exit codes: 0 ok, 1 the query or its data has an error, 2 bad usage.

Examples:
  kqlhunt query 'VMConnection | summarize count() by Computer' --data VMConnection.csv
  kqlhunt query -f hunt.kql --data logs/ --format json --now 2024-05-01T00:00:00Z
`,
  check: `Usage: kqlhunt check FILE... [options]

Checks KQL files (.kql) and Sentinel rule YAML (.yaml/.yml, the rule's 'query') for syntax
and semantic errors against the known table schemas. Folders are searched recursively.

Options:
  --syntax-only            only parse; do not resolve tables, columns and types
  --schemas DIR            more table/function schemas (repeatable; the last wins)
  --format FORMAT          text (default) or json
  -h, --help               show this help

Exit codes: 0 no errors, 1 at least one error, 2 bad usage.
`,
  help: `Usage: kqlhunt help [COMMAND]
`,
};

/**
 * Help texts kept beside their command modules; loaded only when asked for, so that
 * `kqlhunt help` does not pay for importing the ingest pipeline or the detection engine.
 */
const MODULE_HELP: Readonly<Record<string, () => Promise<string>>> = {
  start: async () => (await import('./start.js')).START_HELP,
  ingest: async () => (await import('./ingest.js')).INGEST_HELP,
  store: async () => (await import('./store-command.js')).STORE_HELP,
  simulate: async () => (await import('./simulate.js')).SIMULATE_HELP,
  validate: async () => (await import('./validate.js')).VALIDATE_HELP,
  hunt: async () => (await import('./hunt.js')).HUNT_HELP,
  alerts: async () => (await import('./alerts.js')).ALERTS_HELP,
  run: async () => (await import('./run.js')).RUN_HELP,
};

/** The help text of one command, or undefined when there is no such command. */
export async function commandHelp(topic: string): Promise<string | undefined> {
  if (Object.hasOwn(COMMAND_HELP, topic)) return COMMAND_HELP[topic];
  const load = Object.hasOwn(MODULE_HELP, topic) ? MODULE_HELP[topic] : undefined;
  return load === undefined ? undefined : await load();
}

export const MAIN_HELP = `kqlhunt: run Microsoft Sentinel KQL detection rules, unchanged, over your own logs.

Usage: kqlhunt COMMAND [options]

Commands:
  start     the main job: simulate (first run), hunt with the rule pack, summarise alerts
  query     run a KQL query over files (--data) or the embedded store
  check     check .kql files and Sentinel rule YAML for errors
  validate  validate Sentinel rules for CI: query, limits, entity mappings (text, JSON, SARIF)
  hunt      run rules once (--at) or replay their schedule (--from/--to); raise alerts
  run       the scheduler: every rule on its schedule, catching up after downtime
  alerts    list and filter stored alerts; rule health (--health)
  ingest    load logs (CEF, syslog, ASA, PAN-OS, FortiGate, Zeek, Sentinel exports) into the store
  store     inspect the embedded store; prune by age
  simulate  generate labelled enterprise telemetry with exfiltration scenarios
  help      show help for a command

Options:
  --version  print the version
  -h, --help show this help

Run \`kqlhunt COMMAND --help\` for a command's options. Documentation: docs/cli.md.
`;
