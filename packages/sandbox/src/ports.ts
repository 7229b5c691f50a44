/** Free TCP ports on 127.0.0.1 (ask the kernel for an ephemeral port, then release it). */
import { createServer } from 'node:net';

function onePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() =>
        port > 0 ? resolve(port) : reject(new Error('could not allocate a loopback port')),
      );
    });
  });
}

/** Returns `count` distinct free loopback ports, none of them in `avoid`. */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count; attempts++) {
    if (attempts > count * 20) throw new Error(`could not find ${count} free loopback ports`);
    const port = await onePort();
    if (!avoid.has(port)) ports.add(port);
  }
  return [...ports];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when every port can be bound on 127.0.0.1 right now. */
export async function portsFree(ports: readonly number[]): Promise<boolean> {
  return (await Promise.all(ports.map(canListen))).every(Boolean);
}
