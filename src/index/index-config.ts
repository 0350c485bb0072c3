/**
 * The index configuration a pip or uv user already has — which index, which extra indexes, which
 * find-links locations — with where each value came from, so `mach-nix lock` without flags
 * resolves against what `pip install` would.
 *
 * pip's rules (src/pip/_internal/configuration.py and the option parser of pip 23):
 * - files, later ones overriding earlier ones key by key: global (`$XDG_CONFIG_DIRS`, default
 *   `/etc/xdg`, each `/pip/pip.conf`, then `/etc/pip.conf`), user (`~/.pip/pip.conf`, then
 *   `${XDG_CONFIG_HOME:-~/.config}/pip/pip.conf`; skipped when `PIP_CONFIG_FILE` names an
 *   existing file), site (`$VIRTUAL_ENV/pip.conf`), then the file `PIP_CONFIG_FILE` names;
 *   `PIP_CONFIG_FILE=/dev/null` loads no file at all. (pip's "base" file beside the interpreter's
 *   `sys.base_prefix` is not read: mach-nix has no interpreter to ask.)
 * - in the merged result, section `[install]` overrides `[global]` (we resolve as `pip install`
 *   would), and environment variables `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`,
 *   `PIP_TRUSTED_HOST` override both;
 * - list values (extra-index-url, find-links, trusted-host) are split on whitespace.
 * uv's variables (uv-static's `EnvVars`): `UV_DEFAULT_INDEX`, else the older `UV_INDEX_URL`, is the
 * index; `UV_INDEX` then `UV_EXTRA_INDEX_URL` (space-separated; `UV_INDEX` entries may be
 * `name=url`) are extra indexes; `UV_FIND_LINKS` is comma-separated; `UV_INSECURE_HOST`
 * (space-separated) is uv's trusted-host. Where both tools' variables
 * set the same thing, uv's win: they are the newer, more specific setting.
 * Explicit values (command-line flags, a requirements file's own option lines) come last: an
 * explicit index URL replaces the configured one, explicit extra indexes and find-links are added
 * after the configured ones — pip's optparse "append" to configured defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { parseIni } from './configparser.js';
import { redactUrl } from './urls.js';

/** A value and where it came from: `PIP_INDEX_URL`, `/etc/pip.conf [global] index-url`, `--index-url`, `default`. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

export interface IndexConfiguration {
  readonly indexUrl: Sourced<string>;
  readonly extraIndexUrls: readonly Sourced<string>[];
  readonly findLinks: readonly Sourced<string>[];
  /** pip's `trusted-host`: `host` or `host:port` whose plain-http index pip accepts. */
  readonly trustedHosts: readonly Sourced<string>[];
}

export const PYPI_SIMPLE = 'https://pypi.org/simple/';

/** What the caller was told explicitly; each list entry carries its own source. */
export interface ExplicitIndexOptions {
  readonly indexUrl?: Sourced<string>;
  readonly extraIndexUrls?: readonly Sourced<string>[];
  readonly findLinks?: readonly Sourced<string>[];
  readonly trustedHosts?: readonly Sourced<string>[];
}

export interface IndexConfigurationContext {
  /** The environment to read; tests pass their own so the machine's settings cannot leak in. */
  readonly env: NodeJS.ProcessEnv;
  readonly home?: string;
  /** Where pip's last global file lives (`/etc`); tests point it elsewhere. */
  readonly systemConfigDir?: string;
}

/** The pip config files in pip's override order (lowest first) and the kind of each. */
export function pipConfigFiles(context: IndexConfigurationContext): Array<{ file: string; kind: string }> {
  const env = context.env;
  const home = context.home ?? homedir();
  const envFile = env.PIP_CONFIG_FILE;
  if (envFile === '/dev/null') return [];
  const files: Array<{ file: string; kind: string }> = [];
  for (const dir of (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean)) {
    files.push({ file: join(dir, 'pip', 'pip.conf'), kind: 'global' });
  }
  files.push({ file: join(context.systemConfigDir ?? '/etc', 'pip.conf'), kind: 'global' });
  if (!(envFile && existsSync(envFile))) {
    files.push({ file: join(home, '.pip', 'pip.conf'), kind: 'user' });
    files.push({ file: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'pip', 'pip.conf'), kind: 'user' });
  }
  if (env.VIRTUAL_ENV) files.push({ file: join(env.VIRTUAL_ENV, 'pip.conf'), kind: 'site' });
  if (envFile) files.push({ file: envFile, kind: 'PIP_CONFIG_FILE' });
  return files;
}

const KEYS = ['index-url', 'extra-index-url', 'find-links', 'trusted-host'] as const;
type Key = (typeof KEYS)[number];

/** pip's merged configuration for the three keys, per section, with the file and section of each. */
function readPipFiles(context: IndexConfigurationContext): Map<Key, Sourced<string>> {
  const bySection = new Map<string, Map<Key, Sourced<string>>>([
    ['global', new Map()],
    ['install', new Map()],
  ]);
  for (const { file } of pipConfigFiles(context)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') continue;
      throw new DataError({ file }, `cannot read pip configuration: ${(error as Error).message}`);
    }
    const sections = parseIni(text, file);
    for (const [sectionName, target] of bySection) {
      const options = sections.get(sectionName);
      if (!options) continue;
      for (const [rawKey, value] of options) {
        // pip normalises option names: `index_url` and `--index-url` are `index-url`.
        const key = rawKey.replace(/_/g, '-').replace(/^--/, '') as Key;
        if (KEYS.includes(key)) target.set(key, { value, source: `${file} [${sectionName}] ${key}` });
      }
    }
  }
  const merged = new Map(bySection.get('global'));
  for (const [key, value] of bySection.get('install')!) merged.set(key, value);
  return merged;
}

function words(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** A `UV_INDEX` entry may be `name=url`; the name is only a label. */
function uvIndexUrl(entry: string): string {
  const match = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(entry);
  return match && !match[1]!.includes(':') ? match[2]! : entry;
}

function list(value: string | undefined, source: string, split: (text: string) => string[] = words): Sourced<string>[] | null {
  if (value === undefined || value.trim() === '') return null;
  return split(value).map((entry) => ({ value: entry, source }));
}

/** The effective index configuration; throws `DataError` for a malformed pip.conf. */
export function effectiveIndexConfiguration(context: IndexConfigurationContext, explicit: ExplicitIndexOptions = {}): IndexConfiguration {
  const env = context.env;
  const files = readPipFiles(context);
  const fromFile = (key: Key) => {
    const entry = files.get(key);
    return entry ? list(entry.value, entry.source) : null;
  };
  const single = (entries: Sourced<string>[] | null) => entries?.[0] ?? null;

  const indexUrl =
    explicit.indexUrl ??
    single(list(env.UV_DEFAULT_INDEX, 'UV_DEFAULT_INDEX')) ??
    single(list(env.UV_INDEX_URL, 'UV_INDEX_URL')) ??
    single(list(env.PIP_INDEX_URL, 'PIP_INDEX_URL')) ??
    single(fromFile('index-url')) ?? { value: PYPI_SIMPLE, source: 'default' };

  const uvExtras = [
    ...(list(env.UV_INDEX, 'UV_INDEX', (text) => words(text).map(uvIndexUrl)) ?? []),
    ...(list(env.UV_EXTRA_INDEX_URL, 'UV_EXTRA_INDEX_URL') ?? []),
  ];
  const extraIndexUrls = [
    ...(uvExtras.length > 0 ? uvExtras : (list(env.PIP_EXTRA_INDEX_URL, 'PIP_EXTRA_INDEX_URL') ?? fromFile('extra-index-url') ?? [])),
    ...(explicit.extraIndexUrls ?? []),
  ];

  const commas = (text: string) => text.split(',').map((part) => part.trim()).filter(Boolean);
  const findLinks = [
    ...(list(env.UV_FIND_LINKS, 'UV_FIND_LINKS', commas) ?? list(env.PIP_FIND_LINKS, 'PIP_FIND_LINKS') ?? fromFile('find-links') ?? []),
    ...(explicit.findLinks ?? []),
  ];

  const trustedHosts = [
    ...(list(env.UV_INSECURE_HOST, 'UV_INSECURE_HOST') ?? list(env.PIP_TRUSTED_HOST, 'PIP_TRUSTED_HOST') ?? fromFile('trusted-host') ?? []),
    ...(explicit.trustedHosts ?? []),
  ];

  return Object.freeze({
    indexUrl,
    extraIndexUrls: Object.freeze(extraIndexUrls),
    findLinks: Object.freeze(findLinks),
    trustedHosts: Object.freeze(trustedHosts),
  });
}

/** One line per value, credentials removed: what `mach-nix lock --verbose` would show. */
export function describeIndexConfiguration(config: IndexConfiguration): string[] {
  return [
    `index-url ${redactUrl(config.indexUrl.value)} (from ${config.indexUrl.source})`,
    ...config.extraIndexUrls.map((entry) => `extra-index-url ${redactUrl(entry.value)} (from ${entry.source})`),
    ...config.findLinks.map((entry) => `find-links ${redactUrl(entry.value)} (from ${entry.source})`),
    ...config.trustedHosts.map((entry) => `trusted-host ${entry.value} (from ${entry.source})`),
  ];
}
