import { pino, destination, type Logger as PinoLogger } from 'pino';

// Flow's runtime reads JSON lines on stderr with `ts`, `level`, `msg` and a `fields` object
// (flow-protocol.md §3); the last line's `msg` becomes the user-facing error.
export type Logger = PinoLogger;

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export function levelFromEnv(raw = process.env.LOG_LEVEL): string {
  const lvl = (raw ?? 'info').toLowerCase();
  if (lvl === 'warning') return 'warn';
  return LEVELS.has(lvl) ? lvl : 'info';
}

/** Where log lines go: fd 2 as JSON lines, unless a CLI command on a terminal swaps in a formatter. */
export interface LogSink {
  write(line: string): void;
  flushSync?(): void;
}

class SwitchableSink implements LogSink {
  constructor(public current: LogSink) {}
  write(line: string): void {
    this.current.write(line);
  }
  flushSync(): void {
    this.current.flushSync?.();
  }
}

const stderrSink = new SwitchableSink(destination({ fd: 2, sync: true }));

/**
 * Routes the process logger's lines through `wrap` (given the JSON-lines sink, returns the sink to
 * use). Only the human-facing CLI commands call it; under Flow the lines stay JSON.
 */
export function setLogSink(wrap: (json: LogSink) => LogSink): void {
  stderrSink.current = wrap(stderrSink.current);
}

export function createLogger(level = levelFromEnv(), fd = 2): Logger {
  return pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      nestedKey: 'fields',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'fields.config.credentials',
          'fields.credentials',
          '*.access_token',
          '*.refresh_token',
          '*.client_secret',
        ],
        censor: '[redacted]',
      },
    },
    fd === 2 ? stderrSink : destination({ fd, sync: true }),
  );
}

export const log: Logger = createLogger();
