// Command-line parsing on node:util's parseArgs: strict, so a mistyped flag is a usage
// error (exit 2) that names the flag, never silently ignored.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    // parseArgs messages name the offending flag; drop its hint about `--` that does not apply here.
    const msg = (e as Error).message.replace(/\s*To specify a positional argument.*$/s, '');
    throw new UsageError(msg, command);
  }
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function choiceOption<T extends string>(p: Parsed, name: string, choices: readonly T[], fallback: T, command: string): T {
  const v = stringOption(p, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${v}')`, command);
  }
  return v as T;
}

export function positiveNumberOption(p: Parsed, name: string, command: string, integer: boolean): number | undefined {
  const v = stringOption(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'} (got '${v}')`, command);
  }
  return n;
}
