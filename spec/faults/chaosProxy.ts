import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a redis-server, for faults Redis itself cannot produce on demand: replies
 * lost on the wire (the command ran, the client never hears of it), and connections reset.
 */
export interface ChaosProxy {
  /** `redis://127.0.0.1:<proxy port>` */
  readonly url: string;
  /** While true, whatever the server sends is dropped (requests still go through). */
  dropReplies: boolean;
  /** Destroys every open connection, on both sides; clients reconnect through the proxy. */
  resetAll(): void;
  /**
   * Stops forwarding, both ways, on the connections open now whose client last sent something that
   * `which` accepts (all of them by default), and keeps them open: a path that died without a close (a
   * dropped NAT entry, a pulled cable). Connections opened later forward as usual.
   */
  freezeOpen(which?: (lastSent: string) => boolean): void;
  /** Closes the proxy and its connections. */
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `target` (`host:port`). */
export async function startChaosProxy(target: { host: string; port: number }): Promise<ChaosProxy> {
  const sockets = new Set<Socket>();
  const frozen = new WeakSet<Socket>();
  const lastSent = new WeakMap<Socket, string>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      lastSent.set(client, chunk.toString('latin1'));
      if (!frozen.has(client)) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => void (proxy.dropReplies || frozen.has(client) || client.write(chunk)));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('no port'));
    });
  });
  const proxy: ChaosProxy = {
    url: `redis://127.0.0.1:${port}`,
    dropReplies: false,
    resetAll: () => sockets.forEach((socket) => socket.destroy()),
    freezeOpen: (which = () => true) => sockets.forEach((socket) => which(lastSent.get(socket) ?? '') && frozen.add(socket)),
    close: () => new Promise((done) => (proxy.resetAll(), server.close(() => done()))),
  };
  return proxy;
}
