import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM certificate and its key, as files and as contents. */
export interface Pem {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Throw-away TLS material made with the `openssl` CLI in a temp dir; `remove()` deletes it. */
export interface TlsFiles {
  readonly dir: string;
  /** The CA that signed `server` and `client`. */
  readonly ca: Pem;
  /** For `127.0.0.1` and `localhost`. */
  readonly server: Pem;
  /** A client certificate, for servers that require one. */
  readonly client: Pem;
  /** A CA that signed nothing here: trusting only it must fail. */
  readonly otherCa: Pem;
  remove(): Promise<void>;
}

/** EC P-256 keys: generated in milliseconds, unlike RSA. */
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function pem(dir: string, name: string): Promise<Pem> {
  const [certFile, keyFile] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
  return { certFile, keyFile, cert: await readFile(certFile), key: await readFile(keyFile) };
}

async function authority(dir: string, name: string): Promise<Pem> {
  await run('openssl', ['req', '-x509', ...NEW_KEY, '-days', '1', '-subj', `/CN=rx-redis-events test ${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`)]);
  return pem(dir, name);
}

async function issue(dir: string, ca: Pem, name: string, extensions: string): Promise<Pem> {
  const [csr, ext] = [join(dir, `${name}.csr`), join(dir, `${name}.ext`)];
  await writeFile(ext, extensions);
  await run('openssl', ['req', '-new', ...NEW_KEY, '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', csr]);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', join(dir, `${name}.crt`)]);
  return pem(dir, name);
}

/** Generates a CA, a server and a client certificate signed by it, and an unrelated CA. */
export async function createTlsFiles(): Promise<TlsFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'rx-redis-events-tls-'));
  try {
    const [ca, otherCa] = await Promise.all([authority(dir, 'ca'), authority(dir, 'other-ca')]);
    const server = await issue(dir, ca, 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    const client = await issue(dir, ca, 'client', 'extendedKeyUsage=clientAuth\n');
    return { dir, ca, server, client, otherCa, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
