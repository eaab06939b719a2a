import { createConnection, type Socket } from 'node:net';

/** The commands a server ran, as `MONITOR` shows them, while {@link monitorCommands} watched. */
export interface CommandMonitor {
  /** Each command so far: its name in upper case, then its arguments. */
  readonly commands: readonly (readonly string[])[];
  /** Ends the monitoring connection. Idempotent. */
  close(): void;
}

/**
 * Watches every command a private server runs, on a plain socket of its own in `MONITOR` mode: no
 * client library sits between, so nothing else (a ready check's `INFO`, a reconnect) shares the
 * connection. Resolves once the server has answered `+OK`, so every command sent after is seen.
 * Admin commands such as `CLIENT UNBLOCK` are never shown by the server; count them with `INFO commandstats`.
 */
export function monitorCommands(server: { readonly host: string; readonly port: number }): Promise<CommandMonitor> {
  return new Promise((resolve, reject) => {
    const commands: string[][] = [];
    const socket: Socket = createConnection({ host: server.host, port: server.port }, () => socket.write('MONITOR\r\n'));
    let buffered = '';
    let started = false;
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!started) {
          if (line !== '+OK') return reject(new Error(`MONITOR answered ${line}`)), socket.destroy();
          started = true;
          resolve({ commands, close: () => void socket.destroy() });
        } else commands.push(monitorLine(line));
      }
    });
  });
}

/** `+1700000000.123456 [0 127.0.0.1:5000] "XADD" "k" "*" "v" "a\"b"` → `['XADD', 'k', '*', 'v', 'a"b']` */
export function monitorLine(line: string): string[] {
  const words: string[] = [];
  const quoted = /"((?:[^"\\]|\\.)*)"/g;
  for (let found = quoted.exec(line); found; found = quoted.exec(line)) words.push(unescape(found[1] as string));
  if (words[0] !== undefined) words[0] = words[0].toUpperCase();
  return words;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_, code: string) => (code.length === 3 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (ESCAPES[code] ?? code)));
}
