// One exchange, many judges: an idempotent GET that several checks judge is sent once per run.
// The first check to need it sends it; the others, in any worker, judge the same answer and cite
// the same evidence. Workers meet in a directory the global setup makes: the sender holds a lock
// file while its request is out, then leaves the recorded answer beside it.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from './http';

/** Set by the global setup: the directory where the run's workers share exchanges. */
export const SHARED_EXCHANGES_ENV = 'CONFORMANCE_SHARED_EXCHANGES';

/** What one GET came to: the answer, or why none came, with the exchanges (retries) it took. */
export interface Recorded {
  /** The check that sent it. */
  sentBy: string;
  exchanges: Exchange[];
  answer?: { status: number; headers: Record<string, string>; body: string; summary: string };
  failure?: { request: string; reason: string; ms: number };
}

const POLL_MS = 20;

/** A request's identity: what was sent, to where, with which headers (the key among them) and body. */
export function exchangeKey(method: string, url: string, headers: Record<string, string>, body: string): string {
  const sorted = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a = ''], [b = '']) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([method, url, sorted, body]))
    .digest('hex');
}

export class SharedExchanges {
  /** This worker's view: settled or in flight, so a check never waits on its own worker's file. */
  private readonly known = new Map<string, Promise<Recorded>>();

  /**
   * @param dir where workers meet; without one, sharing stays within this worker.
   * @param waitMs how long to wait for another worker's request before sending it anyway.
   */
  constructor(
    private readonly dir: string | undefined,
    private readonly waitMs: number,
  ) {}

  /** The recorded answer for `key`, and whether this call sent it (`send` runs only then). */
  async share(key: string, send: () => Promise<Recorded>): Promise<{ recorded: Recorded; sent: boolean }> {
    const known = this.known.get(key);
    if (known) return { recorded: await known, sent: false };
    let sent = false;
    const pending = this.fromRun(key, async () => {
      sent = true;
      return send();
    });
    this.known.set(key, pending);
    try {
      return { recorded: await pending, sent };
    } catch (error) {
      // An error that is no answer (a bug, a refused write) is not worth sharing.
      this.known.delete(key);
      throw error;
    }
  }

  private async fromRun(key: string, send: () => Promise<Recorded>): Promise<Recorded> {
    if (this.dir === undefined) return send();
    const file = path.join(this.dir, `${key}.json`);
    const lock = path.join(this.dir, `${key}.lock`);
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Recorded;
      const claimed = claim(lock);
      if (claimed) {
        try {
          const recorded = await send();
          // Written whole, then renamed: a reader never sees half a record.
          writeFileSync(`${file}.tmp`, JSON.stringify(recorded));
          renameSync(`${file}.tmp`, file);
          return recorded;
        } catch (error) {
          rmSync(lock, { force: true });
          throw error;
        }
      }
      // Another worker is sending it; a worker that died with the lock must not stall this one.
      if (Date.now() > deadline) return send();
      await sleep(POLL_MS);
    }
  }
}

function claim(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    return false;
  }
}
