/**
 * Event and error logs: pino JSON lines on stderr (INTERFACE.md §11), level from `--log-level`.
 * Headers are never logged whole; the redaction paths catch the ones that carry secrets if a
 * caller ever passes them.
 */
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/smoothgate-yaml';

export function createLogger(level: LogLevel, fd = 2): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: ['headers.authorization', 'headers.cookie', 'headers["proxy-authorization"]', 'req.headers.authorization', 'req.headers.cookie', '*.password'],
        censor: '[redacted]',
      },
    },
    // Synchronous writes: event logs are rare, and a crash must not lose its last lines.
    pino.destination({ dest: fd, sync: true }),
  );
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
