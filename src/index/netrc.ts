/**
 * The netrc file (`~/.netrc`, or the file `$NETRC` names), which pip (through requests) and uv
 * read for index credentials: whitespace-separated tokens `machine HOST`, `default`, `login`,
 * `password`, `account`, `macdef NAME` (a macro running to the next empty line, skipped), `#`
 * comments to the end of the line, and double-quoted tokens with backslash escapes, as Python's
 * `netrc` module reads them. Lookup is by host name without port, then `default`.
 *
 * Written here rather than taken from npm: the maintained-looking package (netrc-parser) shells
 * out to gpg through an old execa, and the others are unmaintained.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import type { Credentials } from './urls.js';

export interface NetrcEntry {
  readonly login: string;
  readonly password: string;
}

export class Netrc {
  constructor(
    private readonly machines: ReadonlyMap<string, NetrcEntry>,
    private readonly fallback: NetrcEntry | null,
    /** The file it was read from, for messages; null for an empty netrc. */
    readonly file: string | null,
  ) {}

  static readonly EMPTY = new Netrc(new Map(), null, null);

  /** Credentials for a host (`pypi.example.com`, no port), or null when netrc has none. */
  credentialsFor(host: string): Credentials | null {
    const entry = this.machines.get(host.toLowerCase()) ?? this.fallback;
    return entry ? { username: entry.login, password: entry.password } : null;
  }
}

/** Splits netrc text into tokens with their 1-based line numbers; `macdef` bodies are dropped. */
function tokenize(text: string): Array<{ token: string; line: number }> {
  const tokens: Array<{ token: string; line: number }> = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\n') {
      line++;
      i++;
    } else if (/\s/.test(char)) {
      i++;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else {
      const start = line;
      let token = '';
      if (char === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          if (text[i] === '\n') line++;
          token += text[i];
          i++;
        }
        i++;
      } else {
        while (i < text.length && !/\s/.test(text[i]!)) {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          token += text[i];
          i++;
        }
      }
      tokens.push({ token, line: start });
      if (token === 'macdef') {
        // The macro's name is on this line; its body runs to the next empty line.
        const end = text.indexOf('\n\n', i);
        const nameEnd = text.indexOf('\n', i);
        const name = text.slice(i, nameEnd === -1 ? text.length : nameEnd).trim();
        tokens.push({ token: name, line });
        const stop = end === -1 ? text.length : end + 2;
        for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
        i = stop;
      }
    }
  }
  return tokens;
}

/** Parses netrc text; `file` names it in the error for a malformed entry. */
export function parseNetrc(text: string, file: string): Netrc {
  const machines = new Map<string, NetrcEntry>();
  let fallback: NetrcEntry | null = null;
  const tokens = tokenize(text);
  let i = 0;
  while (i < tokens.length) {
    const { token, line } = tokens[i]!;
    if (token === 'macdef') {
      i += 2;
      continue;
    }
    if (token !== 'machine' && token !== 'default') {
      throw new DataError({ file, line }, `expected "machine" or "default", found ${JSON.stringify(token)}`);
    }
    let host: string | null = null;
    i++;
    if (token === 'machine') {
      const name = tokens[i];
      if (!name) throw new DataError({ file, line }, '"machine" without a host name');
      host = name.token.toLowerCase();
      i++;
    }
    let login = '';
    let password = '';
    while (i < tokens.length && !['machine', 'default', 'macdef'].includes(tokens[i]!.token)) {
      const key = tokens[i]!;
      const value = tokens[i + 1];
      if (!['login', 'password', 'account'].includes(key.token)) {
        throw new DataError({ file, line: key.line }, `unknown netrc token ${JSON.stringify(key.token)}`);
      }
      if (!value) throw new DataError({ file, line: key.line }, `"${key.token}" without a value`);
      if (key.token === 'login') login = value.token;
      if (key.token === 'password') password = value.token;
      i += 2;
    }
    const entry = { login, password };
    // A later entry for the same host replaces an earlier one, as in Python's netrc module.
    if (host === null) fallback = entry;
    else machines.set(host, entry);
  }
  return new Netrc(machines, fallback, file);
}

/**
 * The netrc a user has: `$NETRC` if set, else `~/.netrc` (`home` overrides the home directory,
 * for tests). A missing file is an empty netrc; an unreadable or malformed one is an error.
 */
export function loadNetrc(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): Netrc {
  const file = env.NETRC || join(home, '.netrc');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Netrc.EMPTY;
    throw new DataError({ file }, `cannot read netrc: ${(error as Error).message}`);
  }
  return parseNetrc(text, file);
}
