/**
 * A small node:http index that misbehaves on purpose, for the client's failure handling. Every
 * path starts with a mode: `/<mode>/simple/<project>/` is a PEP 503 page listing one real wheel
 * as `/<mode>/files/<wheel>#sha256=…`, and the mode says how requests under it fail:
 * - `ok`: no failure; `flaky`: 500 twice per path, then fine; `throttled`: 429 (Retry-After: 0)
 *   once; `reset`: the connection dropped once; `truncate`: half the body, then the connection
 *   closed, once; `stall-once`: half the body and then silence, once; `stall`: that always;
 * - `down`: always 503; `forbidden`: always 403;
 * - `norange`: Range ignored (200 with the whole file); `corrupt`: that, with one byte changed;
 * - `redirect`: a 302 to the same path in `ok` mode on another server (`redirectTo`);
 * - `nocache`, `maxage`: no failure, pages sent with `Cache-Control: no-cache` / `max-age=3600`.
 * It records every request (path, Range, Authorization) for the tests to count.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { basename } from 'node:path';

export interface RecordedRequest {
  readonly path: string;
  readonly range: string | null;
  readonly authorization: string | null;
}

export class FaultyServer {
  readonly requests: RecordedRequest[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly wheel: Buffer;
  private readonly wheelName: string;
  readonly wheelSha256: string;
  /** Origin of the server `redirect` mode sends to. */
  redirectTo: string | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    wheelPath: string,
  ) {
    this.wheel = readFileSync(wheelPath);
    this.wheelName = basename(wheelPath);
    this.wheelSha256 = createHash('sha256').update(this.wheel).digest('hex');
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The project the pages list: the wheel's. */
  get project(): string {
    return this.wheelName.split('-')[0]!;
  }

  static async start(wheelPath: string): Promise<FaultyServer> {
    let instance: FaultyServer | null = null;
    const server = createServer((request, response) => instance!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    instance = new FaultyServer(server, typeof address === 'object' && address ? address.port : 0, wheelPath);
    return instance;
  }

  /** The index URL of a mode. */
  index(mode: string): string {
    return `${this.origin}/${mode}/simple/`;
  }

  private firstTimes(path: string, times: number): boolean {
    const count = (this.attempts.get(path) ?? 0) + 1;
    this.attempts.set(path, count);
    return count <= times;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    this.requests.push({ path, range: request.headers.range ?? null, authorization: request.headers.authorization ?? null });
    const [, mode, kind] = path.split('/');
    const body = kind === 'simple' ? this.page(mode!) : kind === 'files' && path.endsWith(`/${this.wheelName}`) ? this.wheel : null;
    if (body === null) {
      response.writeHead(404).end('not found');
      return;
    }
    switch (mode) {
      case 'flaky':
        if (this.firstTimes(path, 2)) return void response.writeHead(500).end('oops');
        break;
      case 'throttled':
        if (this.firstTimes(path, 1)) return void response.writeHead(429, { 'Retry-After': '0' }).end('slow down');
        break;
      case 'reset':
        if (this.firstTimes(path, 1)) return void request.socket.destroy();
        break;
      case 'truncate':
        if (this.firstTimes(path, 1)) return this.halfThen(response, body, () => response.socket?.destroy());
        break;
      case 'stall-once':
        if (this.firstTimes(path, 1)) return this.halfThen(response, body, () => {});
        break;
      case 'stall':
        return this.halfThen(response, body, () => {});
      case 'down':
        return void response.writeHead(503).end('down');
      case 'forbidden':
        return void response.writeHead(403).end('no');
      case 'norange':
        return void response.writeHead(200, { 'Content-Length': body.length, 'Content-Type': contentType(kind!) }).end(body);
      case 'corrupt': {
        const changed = Buffer.from(body);
        if (kind === 'files') changed[0] = changed[0]! ^ 0xff;
        return void response.writeHead(200, { 'Content-Length': changed.length, 'Content-Type': contentType(kind!) }).end(changed);
      }
      case 'redirect':
        return void response.writeHead(302, { Location: `${this.redirectTo}${path.replace('/redirect/', '/ok/')}` }).end();
    }
    this.serve(request, response, body, kind!);
  }

  private page(mode: string): Buffer {
    return Buffer.from(`<!DOCTYPE html><html><body><a href="/${mode}/files/${this.wheelName}#sha256=${this.wheelSha256}">${this.wheelName}</a></body></html>`);
  }

  /** Serves a body honouring a single `bytes=` range, as a static file server does. */
  private serve(request: IncomingMessage, response: ServerResponse, body: Buffer, kind: string): void {
    const match = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    const mode = (request.url ?? '').split('/')[1];
    const caching: Record<string, string> = mode === 'nocache' ? { 'Cache-Control': 'no-cache' } : mode === 'maxage' ? { 'Cache-Control': 'public, max-age=3600' } : {};
    if (!match) return void response.writeHead(200, { 'Content-Length': body.length, 'Content-Type': contentType(kind), ...caching }).end(body);
    let start = match[1] === '' ? Math.max(0, body.length - Number(match[2])) : Number(match[1]);
    let end = match[1] === '' || match[2] === '' ? body.length - 1 : Math.min(Number(match[2]), body.length - 1);
    if (start > end) [start, end] = [0, body.length - 1];
    response.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Type': contentType(kind) });
    response.end(body.subarray(start, end + 1));
  }

  /** Announces the whole body, sends half of it, then calls `then` (close, or stay silent). */
  private halfThen(response: ServerResponse, body: Buffer, then: () => void): void {
    response.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'text/html' });
    response.write(body.subarray(0, Math.floor(body.length / 2)), then);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function contentType(kind: string): string {
  return kind === 'simple' ? 'text/html' : 'application/octet-stream';
}
