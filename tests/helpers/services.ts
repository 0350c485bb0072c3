/**
 * Long-running programs for tests and the quick start: servers started as their own process
 * group (so stopping one stops what it started — a chroot's `unshare`, `flask run`'s children),
 * waited for over HTTP, and stopped even when a test fails or the process exits; plus a fake
 * weather API on 127.0.0.1 that records what it was asked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<Service>();
// last resort when the test process ends without stopping them (a thrown before(), Ctrl-C)
process.on('exit', () => {
  for (const service of live) service.kill('SIGKILL');
});

export class Service {
  private output = '';
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 1);
        live.delete(this);
        resolve(this.exitCode);
      });
      child.on('error', (error) => {
        this.output += `${error.message}\n`;
        this.exitCode = 1;
        live.delete(this);
        resolve(1);
      });
    });
    live.add(this);
  }

  /** Starts `file argv…` in a process group of its own; its output is kept for errors. */
  static start(name: string, file: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Service {
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Service(name, child);
  }

  /** What the program printed so far (stdout and stderr). */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Signals the whole process group. */
  kill(signal: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Resolves with the body of the first successful GET of `url`; rejects when the program
   * exits first or `timeoutMs` passes, with what it printed.
   */
  async waitForHttp(url: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}) before answering ${url}:\n${this.output}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        return await response.text();
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Resolves when `text` has been printed; rejects when the program exits first or time is up. */
  async waitForOutput(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}) before printing ${JSON.stringify(text)}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${JSON.stringify(text)} within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Ctrl-C as a terminal sends it (SIGINT to the group); resolves with the exit code. */
  async interrupt(): Promise<number | null> {
    this.kill('SIGINT');
    return this.exited;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // the leader is gone; anything left in its group goes too
    this.kill('SIGKILL');
  }
}

/** Stops every service still running (for `after`). */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...live].map((service) => service.stop()));
}

export interface WeatherRequest {
  path: string;
  query: Record<string, string>;
}

export interface FakeWeather {
  /** `http://127.0.0.1:PORT` */
  url: string;
  key: string;
  requests: WeatherRequest[];
  /** the answer for a city, as the fake gives it */
  answer(city: string): unknown;
  stop(): Promise<void>;
}

/**
 * A weather API in the shape of OpenWeatherMap's `GET /weather?q=CITY&appid=KEY`: JSON for a
 * known key, 401 for another key, 503 for the city `Atlantis` (an upstream failure).
 */
export async function startFakeWeather(key = 'test-key-0123'): Promise<FakeWeather> {
  const requests: WeatherRequest[] = [];
  const answer = (city: string) => ({ name: city, main: { temp: 21.5, humidity: 40 }, weather: [{ main: 'Clear' }] });
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/weather') send(404, { message: 'not found' });
    else if (query.appid !== key) send(401, { message: 'invalid API key' });
    else if (query.q === 'Atlantis') send(503, { message: 'service unavailable' });
    else send(200, answer(query.q ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests,
    answer,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
