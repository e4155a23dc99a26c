// I/O-bound tasks: they spend their time waiting on a socket or a timer.
import { get } from 'node:http';

/** Fetches a page over HTTP and returns its body. */
export function fetchPage(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    }).on('error', reject);
  });
}

export function wait(ms: number): Promise<number> {
  return new Promise((resolve) => setTimeout(resolve, ms, ms));
}

// Nobody ever notifies this cell: Atomics.wait on it sleeps the calling thread.
const cell = new Int32Array(new SharedArrayBuffer(4));

/** A synchronous read's stand-in: the calling thread (and its event loop) waits `ms`, using no CPU. */
export function blockingRead(ms: number): number {
  Atomics.wait(cell, 0, 0, ms);
  return ms;
}
