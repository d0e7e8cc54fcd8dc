/**
 * Chooses the change-feed lane of each write of this process and queues writes per lane.
 *
 * A write commits in one lane of each type it writes (see `repository/keys.ts`, FEED_LANES) and
 * must take that lane's next number, so two writes of one lane committing at once would only
 * make one of them lose and retry. This process therefore gives each write the lane of its type
 * with the fewest writes of this process in it and queues the writes of one lane. Writes in
 * different lanes run in parallel. Among equally busy lanes it keeps to a *home* lane per type,
 * chosen at random, so a lightly loaded process writes in one lane and processes spread out.
 * Another process (Lambda instance) may have the same home: one of the two loses a race
 * harmlessly (see `write-retry.ts`), avoids that lane for a moment and moves its home to another
 * lane at random ({@link LaneGate.lost}), so racing processes drift apart instead of colliding again.
 */
import { FEED_LANES } from '../repository/keys.js';

/** How long a lane another process was seen writing in counts as busy. */
const LOST_LANE_MS = 1_000;

/** The lane of each resource type a write commits in. */
export type Lanes = ReadonlyMap<string, number>;

interface Slot {
  /** Writes of this process holding or waiting for the lane. */
  load: number;
  /** Until when the lane counts as busy with another process's writes (epoch ms). */
  busyUntil: number;
  /** Settles when the last write queued for the lane releases it. */
  tail: Promise<void>;
}

export class LaneGate {
  private readonly slots = new Map<string, Slot>();
  /** Per type, the lane this process prefers among equally busy ones. */
  private readonly homes = new Map<string, number>();

  constructor(
    private readonly lanes: number = FEED_LANES,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** A write of this process lost `lane` (`<Type>#<lane>`) to another writer: prefer other lanes for a moment. */
  lost(lane: string): void {
    this.slot(lane).busyUntil = this.now() + LOST_LANE_MS;
    const hash = lane.lastIndexOf('#');
    const type = lane.slice(0, hash);
    const number = Number(lane.slice(hash + 1));
    if (this.lanes > 1 && this.homes.get(type) === number) this.homes.set(type, (number + 1 + Math.floor(this.random() * (this.lanes - 1))) % this.lanes);
  }

  /**
   * Runs `task` holding one lane of each of `resourceTypes`, after the writes queued for them
   * before it. Lanes are taken in name order, so two writes needing the same lanes cannot wait
   * for each other.
   */
  async run<T>(resourceTypes: readonly string[], task: (lanes: Lanes) => Promise<T>): Promise<T> {
    const types = [...new Set(resourceTypes)].sort();
    const chosen = new Map(types.map((type) => [type, this.pick(type)]));
    const releases: (() => void)[] = [];
    try {
      for (const [type, lane] of chosen) releases.push(await this.acquire(`${type}#${lane}`));
      return await task(chosen);
    } finally {
      for (const release of releases) release();
      for (const [type, lane] of chosen) this.slot(`${type}#${lane}`).load--;
    }
  }

  /** The lane of `type` with the fewest writes of this process, lanes lost lately counting one more (ties: the home lane, else at random); counted at once. */
  private pick(type: string): number {
    let best: number[] = [];
    let lowest = Infinity;
    const now = this.now();
    for (let lane = 0; lane < this.lanes; lane++) {
      const slot = this.slots.get(`${type}#${lane}`);
      const load = (slot?.load ?? 0) + (slot && slot.busyUntil > now ? 1 : 0);
      if (load < lowest) [best, lowest] = [[lane], load];
      else if (load === lowest) best.push(lane);
    }
    let home = this.homes.get(type);
    if (home === undefined) this.homes.set(type, (home = Math.floor(this.random() * this.lanes)));
    const lane = best.includes(home) ? home : (best[Math.floor(this.random() * best.length)] ?? 0);
    this.slot(`${type}#${lane}`).load++;
    return lane;
  }

  private slot(name: string): Slot {
    let slot = this.slots.get(name);
    if (!slot) this.slots.set(name, (slot = { load: 0, busyUntil: 0, tail: Promise.resolve() }));
    return slot;
  }

  /** Waits for the writes queued for the lane before this one; resolves to the release. */
  private async acquire(name: string): Promise<() => void> {
    const slot = this.slot(name);
    const previous = slot.tail;
    let release!: () => void;
    slot.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }
}
