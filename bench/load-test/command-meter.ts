/**
 * Counts and times the DynamoDB commands the API sends, by command name, with the failures by
 * error name (a `TransactionCanceledException` is a lost race the write path retries). A client
 * middleware, so the API's own code is measured unchanged.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What one command did so far, cumulative. */
export interface CommandTally {
  calls: number;
  /** Time in the SDK, SDK retries included, ms. */
  ms: number;
  readonly failures: Record<string, number>;
}

/** Cumulative tallies by command name. */
export type CommandTallies = Record<string, CommandTally>;

/** Adds the meter to `client`; returns a function reading the tallies so far. */
export function meterCommands(client: DynamoDBClient): () => CommandTallies {
  const tallies: CommandTallies = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const tally = (tallies[name] ??= { calls: 0, ms: 0, failures: {} });
      const started = performance.now();
      try {
        return await next(args);
      } catch (error) {
        const errorName = (error as Error).name;
        tally.failures[errorName] = (tally.failures[errorName] ?? 0) + 1;
        throw error;
      } finally {
        tally.calls++;
        tally.ms += performance.now() - started;
      }
    },
    { step: 'initialize', name: 'loadTestCommandMeter' },
  );
  return () => structuredClone(tallies);
}
