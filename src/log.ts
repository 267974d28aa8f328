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
    destination({ fd, sync: true }),
  );
}

export const log: Logger = createLogger();
