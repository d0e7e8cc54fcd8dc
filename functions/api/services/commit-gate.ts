/**
 * A FIFO queue for one process's write attempts. Every write takes its type's next change-feed
 * number and moves the global change clock, so two writes of this process committing at once
 * would only make one of them lose and retry; queued, each attempt commits on its first try.
 * It orders this process only: other processes (Lambda instances) still race, and lose
 * harmlessly (see `write-retry.ts`).
 */
export class CommitGate {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
