import { writeSync } from 'node:fs';
import type { Command } from 'commander';
import { prettyFactory } from 'pino-pretty';
import { UserError } from '../errors.js';
import { setLogSink } from '../log.js';

// How the human-facing commands (validate, capture, discover) print their logs. On a terminal
// (stderr is a TTY) each line is readable: `[13:02:47] INFO: message {"field":…}` via pino-pretty.
// Off a terminal, in pipes, files and under Flow, lines stay the JSON lines Flow reads.
// `--log-format json|pretty` or LOG_FORMAT=json|pretty overrides the choice.

export type LogFormat = 'json' | 'pretty';
const CHOICES = ['auto', 'json', 'pretty'] as const;

export function resolveLogFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = process.stderr.isTTY === true): LogFormat {
  const choice = (flag ?? env.LOG_FORMAT ?? 'auto').toLowerCase();
  if (!(CHOICES as readonly string[]).includes(choice)) {
    throw new UserError(`${flag !== undefined ? '--log-format' : 'LOG_FORMAT'} ${JSON.stringify(choice)}: must be one of ${CHOICES.join(', ')}`);
  }
  if (choice === 'auto') return isTTY ? 'pretty' : 'json';
  return choice as LogFormat;
}

function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** Formats one JSON log line (`{level, ts, msg, fields}`) as one readable line. */
export function prettyFormatter(colorize: boolean): (line: string) => string {
  const pretty = prettyFactory({ colorize, messageKey: 'msg', timestampKey: 'ts', translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true });
  return (line) => {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line.endsWith('\n') ? line : `${line}\n`;
    }
    // The nested `fields` object (Flow's shape) reads better as the line's own properties.
    const { fields, ...rest } = obj;
    const flat = fields && typeof fields === 'object' && !Array.isArray(fields) ? { ...(fields as Record<string, unknown>), ...rest } : obj;
    return pretty(flat);
  };
}

/** Applies the chosen format to the process logger (stderr). */
export function useLogFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const isTTY = process.stderr.isTTY === true;
  const format = resolveLogFormat(flag, env, isTTY);
  if (format === 'pretty') {
    const format = prettyFormatter(colorWanted(env, isTTY));
    setLogSink(() => ({ write: (line: string) => void writeSync(2, format(line)) }));
  }
  return format;
}

/** Adds `--log-format` to a human-facing command. */
export function logFormatOption(cmd: Command): Command {
  return cmd.option('--log-format <format>', 'log lines on stderr: auto (readable on a terminal, JSON lines otherwise), json or pretty; also LOG_FORMAT', undefined);
}
