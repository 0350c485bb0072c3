/**
 * Dependencies loaded on first use instead of at start-up. Most runs of the CLI read no
 * environment.yml (yaml) and no pyproject.toml (smol-toml), show no progress bar (cli-progress),
 * and `--version`, `--help` or `requirements` open no index (better-sqlite3, a native addon);
 * loading them eagerly was a third of `mach-nix --version`. Likewise what only some commands or
 * lines need: writing a document (write-file-atomic), the options of a requirement line (shlex),
 * and the package-index client's HTML pages (htmlparser2), zip archives (yauzl) and tar archives
 * (tar); and child processes and the temporary folder (node:os), which only the commands that run
 * Nix or git need (`env`, `gen`); and undici with node:tls, which only index requests with
 * extra CA certificates to trust need (src/index/extra-ca-certs.ts).
 * `require` keeps the callers synchronous (shlex and htmlparser2 are ES modules, which
 * `require` loads from Node 20.19 on).
 *
 * The bundle (`scripts/build.ts`) compiles this module with the bundler's own `require` in place
 * of `createRequire`: cli-progress, write-file-atomic, shlex and better-sqlite3's JavaScript are
 * inside the bundled file, still evaluated only when first called (better-sqlite3's native addon
 * is loaded from node_modules); yaml, smol-toml, the package-index client's htmlparser2, tar and
 * yauzl, and undici's `Agent` and `fetch` are files of their own beside it (`dist/lib/`), read only
 * when first called.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type * as ChildProcess from 'node:child_process';
import type * as CliProgress from 'cli-progress';
import type * as Crypto from 'node:crypto';
import type * as Htmlparser2 from 'htmlparser2';
import type * as Os from 'node:os';
import type * as Shlex from 'shlex';
import type * as SmolToml from 'smol-toml';
import type * as Tar from 'tar';
import type * as Tls from 'node:tls';
import type * as Undici from 'undici';
import type WriteFileAtomic from 'write-file-atomic';
import type * as Yaml from 'yaml';
import type * as Yauzl from 'yauzl';

const require = createRequire(import.meta.url);

export function yaml(): typeof Yaml {
  return require('yaml') as typeof Yaml;
}

export function smolToml(): typeof SmolToml {
  return require('smol-toml') as typeof SmolToml;
}

export function cliProgress(): typeof CliProgress {
  return require('cli-progress') as typeof CliProgress;
}

export function betterSqlite3(): typeof BetterSqlite3 {
  return require('better-sqlite3') as typeof BetterSqlite3;
}

/** node:crypto sets up OpenSSL's hashes and ciphers: only resolutions that hash something need it. */
export function crypto(): typeof Crypto {
  return require('node:crypto') as typeof Crypto;
}

export function writeFileAtomic(): typeof WriteFileAtomic {
  return require('write-file-atomic') as typeof WriteFileAtomic;
}

export function shlex(): typeof Shlex {
  return require('shlex') as typeof Shlex;
}

export function htmlparser2(): typeof Htmlparser2 {
  return require('htmlparser2') as typeof Htmlparser2;
}

export function tar(): typeof Tar {
  return require('tar') as typeof Tar;
}

export function yauzl(): typeof Yauzl {
  return require('yauzl') as typeof Yauzl;
}

/** node:child_process loads net, dgram and the stream machinery: only `env` and `gen` run programs. */
export function childProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

/** node:os is one more built-in module to compile at start-up: only `env` and `gen` need its tmpdir. */
export function os(): typeof Os {
  return require('node:os') as typeof Os;
}

/** node:tls, for its bundled root certificates. */
export function tls(): typeof Tls {
  return require('node:tls') as typeof Tls;
}

/**
 * undici's `Agent` and `fetch` (in the bundle, one file of its own: scripts/build.ts): only
 * needed with extra CA certificates. Their own modules, not the package's index, which loads
 * every other part of undici too (mock agents, caches, WebSocket, …): 2× as long
 * (bench/resolver/RESULTS.md). The paths are those of the exact version package.json pins.
 */
export function undici(): { Agent: typeof Undici.Agent; fetch: typeof Undici.fetch } {
  return {
    Agent: require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
    fetch: (require('undici/lib/web/fetch/index.js') as { fetch: typeof Undici.fetch }).fetch,
  };
}
