// One exchange, many judges, across workers: the first to ask sends, the others wait and read
// what it recorded; a failure to answer is shared like an answer; a sender that died does not stall.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { exchangeKey, type Recorded, SharedExchanges } from '../src/shared-exchanges';

const KEY = exchangeKey('GET', 'http://127.0.0.1/v1/datasets', { Authorization: 'Bearer k' }, '');

function recorded(sentBy: string): Recorded {
  return {
    sentBy,
    exchanges: [],
    answer: { status: 200, headers: {}, body: Buffer.from('{}').toString('base64'), summary: 'GET … → 200' },
  };
}

test('two workers asking at once send one request and judge the same answer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shared-'));
  const [a, b] = [new SharedExchanges(dir, 5000), new SharedExchanges(dir, 5000)];
  let sends = 0;
  const send = (who: string) => async () => {
    sends += 1;
    await sleep(200);
    return recorded(who);
  };
  const [first, second] = await Promise.all([a.share(KEY, send('a')), b.share(KEY, send('b'))]);
  expect(sends).toBe(1);
  expect(first.recorded.sentBy).toBe(second.recorded.sentBy);
  expect([first.sent, second.sent].sort()).toEqual([false, true]);
  // Later asks in either worker are answered without sending.
  expect((await a.share(KEY, send('a'))).sent).toBe(false);
  expect(sends).toBe(1);
});

test('the key tells requests apart by every header value, the API key among them', () => {
  const other = exchangeKey('GET', 'http://127.0.0.1/v1/datasets', { Authorization: 'Bearer other' }, '');
  expect(other).not.toBe(KEY);
  expect(exchangeKey('GET', 'http://127.0.0.1/v1/datasets', { authorization: 'Bearer k' }, '')).toBe(KEY);
});

test('an error that is no answer is not shared: the next ask sends again', async () => {
  const shared = new SharedExchanges(mkdtempSync(path.join(tmpdir(), 'shared-')), 5000);
  await expect(
    shared.share(KEY, async () => {
      throw new Error('a bug, not an answer');
    }),
  ).rejects.toThrow('a bug');
  expect((await shared.share(KEY, async () => recorded('again'))).recorded.sentBy).toBe('again');
});

test('a lock whose sender died is waited for only so long, then the request is sent', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shared-'));
  writeFileSync(path.join(dir, `${KEY}.lock`), '');
  const started = Date.now();
  const { recorded: answer, sent } = await new SharedExchanges(dir, 300).share(KEY, async () => recorded('me'));
  expect(sent).toBe(true);
  expect(answer.sentBy).toBe('me');
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});
