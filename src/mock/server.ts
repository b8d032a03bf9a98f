// Binds the mock app to a free port on loopback; nothing listens beyond 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMockApp, type LoggedRequest, type MockOptions } from './app';

export interface RunningMock {
  /** Origin of the mock, e.g. http://127.0.0.1:41234; the API base is `${origin}/v1`. */
  origin: string;
  requests: LoggedRequest[];
  issuedUrls: string[];
  close(): Promise<void>;
}

export function startMock(options: MockOptions, port = 0): Promise<RunningMock> {
  const { app, requests, issuedUrls } = createMockApp(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        requests,
        issuedUrls,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
