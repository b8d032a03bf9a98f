// Waiting for a server to finish something (indexing, a status task): soon at first, then less often.
import { setTimeout as sleep } from 'node:timers/promises';

const FIRST_MS = 100;
const MOST_MS = 1000;

/**
 * The waits between polls of one thing: 100 ms, doubling up to 1 s, so a server that is quick
 * (the embedded mock, an idle Dify) is seen done at once, and a slow one is not asked ten times a second.
 */
export function backoff(): () => Promise<void> {
  let wait = FIRST_MS;
  return async () => {
    await sleep(wait);
    wait = Math.min(wait * 2, MOST_MS);
  };
}
