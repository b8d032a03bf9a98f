// A worker's throttle: never more requests in flight than CONFORMANCE_CONCURRENCY, and never more
// starts per second than its share of CONFORMANCE_RATE_LIMIT.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { Throttle } from '../src/http';

test('no more than the bound are in flight, however many wait', async () => {
  const throttle = new Throttle(0, 3);
  let inFlight = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      throttle.run(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(1 + (i % 5));
        inFlight -= 1;
      }),
    ),
  );
  expect(most).toBe(3);
});

test('starts are spaced to the rate: 21 starts at 20 per second span a second', async () => {
  const throttle = new Throttle(20, 10);
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 21 }, () => throttle.run(async () => void starts.push(Date.now()))));
  expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(950);
});
