/**
 * Where the machine's time went during a phase: CPU of this process (driver and API threads),
 * of its child processes (the DynamoDB Local JVM), of the whole machine (other work included), how
 * busy each event loop was, and the API's DynamoDB commands. Linux `/proc`; elsewhere the CPU
 * figures of the JVM and the machine are absent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ApiUsage, LoopTime } from './api-server.js';
import type { CommandTallies } from './command-meter.js';

/** Linux reports process times in clock ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

interface Snapshot {
  readonly wall: number;
  readonly processCpuMs: number;
  readonly childTicks: number | undefined;
  readonly machine: { readonly busy: number; readonly total: number } | undefined;
  readonly driverLoop: LoopTime;
  readonly api: ApiUsage;
}

/** CPU use over a phase, in cores (1.0 = one core fully busy) and event-loop shares. */
export interface Usage {
  readonly processCores: number;
  readonly dynamoCores: number | undefined;
  readonly machineCores: number | undefined;
  readonly apiLoop: number;
  readonly driverLoop: number;
  /** DynamoDB commands the API sent during the phase. */
  readonly commands: CommandTallies;
}

function commandsBetween(before: CommandTallies, after: CommandTallies): CommandTallies {
  const between: CommandTallies = {};
  for (const [name, tally] of Object.entries(after)) {
    const earlier = before[name];
    const failures: Record<string, number> = {};
    for (const [error, count] of Object.entries(tally.failures)) {
      if (count > (earlier?.failures[error] ?? 0)) failures[error] = count - (earlier?.failures[error] ?? 0);
    }
    const calls = tally.calls - (earlier?.calls ?? 0);
    if (calls > 0) between[name] = { calls, ms: tally.ms - (earlier?.ms ?? 0), failures };
  }
  return between;
}

function readProcStat(pid: string): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU ticks of every live descendant of this process. */
function childTicks(): number | undefined {
  try {
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = readProcStat(pid);
      if (stat) stats.set(Number(pid), stat);
    }
    const descendants = new Set([process.pid]);
    let total = 0;
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, { ppid, ticks }] of stats) {
        if (!descendants.has(pid) && descendants.has(ppid)) {
          descendants.add(pid);
          total += ticks;
          grew = true;
        }
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

function machineTicks(): Snapshot['machine'] {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const ticks = values.slice(0, 8).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { busy: total - ticks[3]! - ticks[4]!, total };
  } catch {
    return undefined;
  }
}

/** Takes a snapshot now; call the result at the end of the phase for the usage in between. */
export async function measureUsage(api: () => Promise<ApiUsage>): Promise<() => Promise<Usage>> {
  const snapshot = async (): Promise<Snapshot> => {
    const cpu = process.cpuUsage();
    const { idle, active } = performance.eventLoopUtilization();
    return {
      wall: performance.now(),
      processCpuMs: (cpu.user + cpu.system) / 1000,
      childTicks: childTicks(),
      machine: machineTicks(),
      driverLoop: { idle, active },
      api: await api(),
    };
  };
  const share = (a: LoopTime, b: LoopTime): number => (b.active - a.active) / (b.active - a.active + b.idle - a.idle);
  const before = await snapshot();
  return async () => {
    const after = await snapshot();
    const seconds = (after.wall - before.wall) / 1000;
    const ticks = (a: number | undefined, b: number | undefined): number | undefined =>
      a === undefined || b === undefined ? undefined : (b - a) / TICKS_PER_SECOND / seconds;
    const machine = before.machine && after.machine ? (after.machine.busy - before.machine.busy) / TICKS_PER_SECOND / seconds : undefined;
    return {
      processCores: (after.processCpuMs - before.processCpuMs) / 1000 / seconds,
      dynamoCores: ticks(before.childTicks, after.childTicks),
      machineCores: machine,
      apiLoop: share(before.api.loop, after.api.loop),
      driverLoop: share(before.driverLoop, after.driverLoop),
      commands: commandsBetween(before.api.commands, after.api.commands),
    };
  };
}
