// Binds the mock app to a free port on loopback; nothing listens beyond 127.0.0.1.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMockApp, type LoggedRequest, type MockOptions } from './app';

export interface RunningMock {
  /** Origin of the mock, e.g. http://127.0.0.1:41234; the API base is `${origin}/v1`. */
  origin: string;
  requests: LoggedRequest[];
  issuedUrls: string[];
  documentNames(): string[];
  /** Back to the fixtures with nothing remembered, e.g. between tests that share this server. */
  reset(): void;
  /** What clients can change, to compare before and after a run. */
  snapshot(): Record<string, unknown>;
  /** A knowledge base put straight into the store, as a run's global setup would create it; its id. */
  addDataset(name: string): string;
  close(): Promise<void>;
}

/** A certificate and key (PEM) to serve HTTPS with, e.g. a self-signed pair for TLS tests. */
export interface TlsFiles {
  cert: string;
  key: string;
}

export function startMock(options: MockOptions, port = 0, tls?: TlsFiles): Promise<RunningMock> {
  const { app, requests, issuedUrls, documentNames, reset, snapshot, addDataset } = createMockApp(options);
  const https = tls ? { createServer, serverOptions: tls } : {};
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port, ...https }, (info: AddressInfo) => {
      resolve({
        origin: `${tls ? 'https' : 'http'}://127.0.0.1:${info.port}`,
        requests,
        issuedUrls,
        documentNames,
        reset,
        snapshot,
        addDataset,
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
