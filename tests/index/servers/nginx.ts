/**
 * A real nginx (Debian's) on 127.0.0.1 and a free port, run as a child process with a generated
 * configuration in a temporary directory — never the system service. It serves directories under
 * URL prefixes, with PEP 691 content negotiation (the `Accept` header picks a directory's
 * `index.json` or `index.html`), optional basic auth per prefix, and an access log of every
 * request (method, path, status, bytes sent, Range) that tests and the benchmark count; over
 * HTTPS when given a certificate and its key.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mount {
  /** URL prefix, `/name/`. */
  readonly prefix: string;
  /** Directory served there. */
  readonly root: string;
  /** Basic auth for this prefix. */
  readonly auth?: { readonly username: string; readonly password: string };
}

export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly range: string | null;
  readonly accept: string | null;
}

/** PEM files of the server's certificate (with its chain) and private key. */
export interface ServerCertificate {
  readonly certificate: string;
  readonly key: string;
}

const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];

export function nginxBinary(): string {
  const found = NGINX_CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error('nginx is not installed (apt-get install -y nginx; .ci/run installs it)');
  return found;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** An htpasswd line made by `openssl passwd -apr1`, as nginx's auth_basic reads it. */
function htpasswdLine(username: string, password: string): string {
  const hash = execFileSync('openssl', ['passwd', '-apr1', password], { encoding: 'utf8' }).trim();
  return `${username}:${hash}\n`;
}

export class Nginx {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly process: ChildProcess,
    private readonly scheme: 'http' | 'https',
  ) {}

  get origin(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  static async start(mounts: readonly Mount[], tls: ServerCertificate | null = null): Promise<Nginx> {
    const binary = nginxBinary();
    const dir = mkdtempSync(join(tmpdir(), 'mach-nix-nginx-'));
    for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
    const locations = mounts
      .map((mount, i) => {
        let auth = '';
        if (mount.auth) {
          const file = join(dir, `htpasswd-${i}`);
          writeFileSync(file, htpasswdLine(mount.auth.username, mount.auth.password));
          auth = `auth_basic "private index"; auth_basic_user_file ${file};`;
        }
        const root = mount.root.replace(/\/$/, '');
        return `location ${mount.prefix} { alias ${root}/; ${auth} index $simple_index index.html; }`;
      })
      .join('\n    ');
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      writeFileSync(
        join(dir, 'nginx.conf'),
        `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  types {
    text/html html;
    application/vnd.pypi.simple.v1+json json;
    application/octet-stream whl gz zip metadata;
  }
  default_type application/octet-stream;
  log_format counted '$request_method\\t$request_uri\\t$status\\t$body_bytes_sent\\t$http_range\\t$http_accept';
  access_log ${dir}/access.log counted;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  sendfile on;
  keepalive_requests 100000;
  map $http_accept $simple_index {
    default index.html;
    "~application/vnd\\.pypi\\.simple\\.v1\\+json" index.json;
  }
  server {
    listen 127.0.0.1:${port}${tls ? ` ssl;
    ssl_certificate ${tls.certificate};
    ssl_certificate_key ${tls.key}` : ''};
    ${locations}
  }
}
`,
      );
      const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const up = await waitForPort(port, child);
      // A test process that dies without stop() must not leave nginx running.
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      child.once('exit', () => process.removeListener('exit', killOnExit));
      if (up) return new Nginx(dir, port, child, tls ? 'https' : 'http');
      child.kill('SIGKILL');
      if (attempt >= 3) throw new Error(`nginx did not start: ${stderr}${readIfExists(join(dir, 'error.log'))}`);
    }
  }

  /** Every request served so far. */
  accessLog(): AccessLogEntry[] {
    return readIfExists(join(this.dir, 'access.log'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [method, path, status, bytes, range, accept] = line.split('\t');
        return { method: method!, path: path!, status: Number(status), bytes: Number(bytes), range: range === '-' ? null : range!, accept: accept === '-' ? null : accept! };
      });
  }

  /** Empties the access log (nginx keeps appending to the same open file). */
  clearLog(): void {
    writeFileSync(join(this.dir, 'access.log'), '');
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Waits until the port accepts connections (true) or the process exits (false). */
async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
