import { describe, expect, it } from 'vitest';
import { LaneGate, type Lanes } from '../../functions/api/services/lane-gate.js';

/** A task that records its lanes and finishes when `release` is called. */
function heldTask(): { task: (lanes: Lanes) => Promise<Lanes>; started: Promise<Lanes>; release: () => void } {
  let release!: () => void;
  let started!: (lanes: Lanes) => void;
  const startedPromise = new Promise<Lanes>((resolve) => (started = resolve));
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async (lanes) => {
      started(lanes);
      await done;
      return lanes;
    },
    started: startedPromise,
    release,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('LaneGate', () => {
  it('gives concurrent writes of one type different lanes while lanes are free, so they run in parallel', async () => {
    const gate = new LaneGate(4);
    const tasks = Array.from({ length: 4 }, heldTask);
    const runs = tasks.map((t) => gate.run(['Goal'], t.task));
    const lanes = await Promise.all(tasks.map((t) => t.started));
    expect(new Set(lanes.map((l) => l.get('Goal'))).size).toBe(4);
    tasks.forEach((t) => t.release());
    await Promise.all(runs);
  });

  it('queues a write behind the one holding its lane when every lane is busy, first come first served', async () => {
    const gate = new LaneGate(1);
    const first = heldTask();
    const second = heldTask();
    const order: string[] = [];
    const runs = [gate.run(['Goal'], async (l) => (order.push('first'), first.task(l))), gate.run(['Goal'], async (l) => (order.push('second'), second.task(l)))];
    await first.started;
    await tick();
    expect(order).toEqual(['first']);
    first.release();
    await second.started;
    expect(order).toEqual(['first', 'second']);
    second.release();
    await Promise.all(runs);
  });

  it('releases the lane when a write fails, so the next one runs', async () => {
    const gate = new LaneGate(1);
    await expect(gate.run(['Goal'], async () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    await expect(gate.run(['Goal'], async (lanes) => lanes.get('Goal'))).resolves.toBe(0);
  });

  it('holds one lane of each type of a multi-type write, taken in name order, so two such writes never wait for each other', async () => {
    const gate = new LaneGate(1);
    const a = heldTask();
    const runs = [gate.run(['Goal', 'CarePlan'], a.task), gate.run(['CarePlan', 'Goal'], async (lanes) => lanes), gate.run(['Goal'], async (lanes) => lanes)];
    const lanes = await a.started;
    expect([...lanes.keys()]).toEqual(['CarePlan', 'Goal']);
    a.release();
    const results = await Promise.all(runs);
    expect(results[1]!.get('CarePlan')).toBe(0);
    expect(results[2]!.get('Goal')).toBe(0);
  });

  it('keeps to one home lane while idle, and separate processes choose their homes at random', async () => {
    const picks = (gate: LaneGate): Promise<number[]> => Promise.all([0, 1, 2].map(() => gate.run(['Goal'], async (lanes) => lanes.get('Goal')!)));
    const first = new LaneGate(8, () => 0.3);
    const sequential: number[] = [];
    for (let n = 0; n < 3; n++) sequential.push(await first.run(['Goal'], async (lanes) => lanes.get('Goal')!));
    expect(sequential).toEqual([2, 2, 2]);
    expect(await picks(new LaneGate(8, () => 0.9))).toContain(7);
  });

  it('after losing its home lane to another process, avoids it for a moment and moves home', async () => {
    let now = 1_000_000;
    const gate = new LaneGate(2, () => 0, () => now);
    expect(await gate.run(['Goal'], async (lanes) => lanes.get('Goal'))).toBe(0);
    gate.lost('Goal#0');
    expect(await gate.run(['Goal'], async (lanes) => lanes.get('Goal'))).toBe(1);
    now += 1_001;
    // Lane 0 is free again, but home is now lane 1.
    expect(await gate.run(['Goal'], async (lanes) => lanes.get('Goal'))).toBe(1);
    gate.lost('Goal#1');
    expect(await gate.run(['Goal'], async (lanes) => lanes.get('Goal'))).toBe(0);
  });
});
