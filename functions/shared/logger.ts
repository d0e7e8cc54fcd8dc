/**
 * Structured JSON logging: one line per event, always with the request id when there is one.
 */
import type { LogLevel } from './config.js';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger bound to a set of fields (e.g. the request id). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Where log lines go; stdout in Lambda and locally, a buffer in tests. */
export type LogSink = (line: string) => void;

function serializeError(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(value.cause ? { cause: serializeError(value.cause) } : {}) };
  }
  return value;
}

/** Creates a JSON-lines logger. */
export function createLogger(level: LogLevel, sink: LogSink = (line) => process.stdout.write(`${line}\n`), bound: Record<string, unknown> = {}): Logger {
  const write = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (order[lineLevel] < order[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lineLevel, message, ...bound };
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = serializeError(value);
    sink(JSON.stringify(entry));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger(level, sink, { ...bound, ...fields }),
  };
}
