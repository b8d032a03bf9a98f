// Work a process does once and leaves for the processes it starts (Playwright's workers read
// their config and collect their tests again): a JSON file named in an environment variable,
// with a key that says what it was made from, removed when the process that made it exits.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface Handle {
  key: string;
  file: string;
}

/** The value handed down under `name` for `key`, or one made now by `make` and handed down. */
export function handedDown<T>(name: string, key: string, make: () => T): T {
  const handed = JSON.parse(process.env[name] ?? '{}') as Partial<Handle>;
  if (handed.key === key && handed.file) {
    try {
      return JSON.parse(readFileSync(handed.file, 'utf8')) as T;
    } catch {
      // Gone or cut short: make it again below.
    }
  }
  const value = make();
  const file = path.join(tmpdir(), `dkc-${name.toLowerCase()}-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(value));
  process.once('exit', () => rmSync(file, { force: true }));
  process.env[name] = JSON.stringify({ key, file } satisfies Handle);
  return value;
}
