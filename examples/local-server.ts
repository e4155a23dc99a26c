// A small HTTP server on 127.0.0.1 that answers each page after a delay, so
// I/O examples wait on a real socket without leaving the machine.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export async function startLocalServer(delayMs = 10): Promise<LocalServer> {
  const server: Server = createServer((request, response) => {
    setTimeout(() => {
      response.setHeader('content-type', 'text/html');
      response.end(`<html><title>page ${request.url}</title><body>${'lorem ipsum '.repeat(200)}</body></html>`);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
