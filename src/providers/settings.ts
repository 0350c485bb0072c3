/**
 * Which providers may supply each package, in order of preference: mach-nix's `providers` and
 * `_providerDefaults` (mach-nix-behaviour.md §4.1–4.2).
 *
 * A value is a comma-separated string (`"wheel,sdist"`) or a list. `conda` means the channels
 * `conda/main` and `conda/r`; any other word that is not `wheel`, `sdist` or `nixpkgs` is a
 * conda channel (`conda-forge` → `conda/conda-forge`). Per-package entries replace the whole
 * default entry, `_default` included. Unlike mach-nix, keys are PEP 503-normalised and
 * case-insensitive, and words are trimmed (`"wheel, sdist"` works).
 */
import * as v from 'valibot';
import { UsageError } from '../errors.js';
import { canonicalizeName } from '../pep503.js';
import { ownRecord } from '../validation.js';

export type ProviderName = 'wheel' | 'sdist' | 'nixpkgs' | `conda/${string}`;

/** As people write them: `{ _default = "wheel,sdist"; numpy = [ "nixpkgs" ]; }`. */
export type ProvidersInput = Readonly<Record<string, string | readonly string[]>>;

/** mach-nix's `provider_defaults.toml`, unchanged since mach-nix 2.4.1. */
export const BUILT_IN_PROVIDER_DEFAULTS: ProvidersInput = {
  _default: 'wheel,sdist,nixpkgs',
  gdal: 'nixpkgs',
  pip: 'nixpkgs,sdist',
  setupmeta: 'wheel',
  setuptools: 'nixpkgs',
  wheel: 'nixpkgs,sdist',
};

const ProvidersSchema = ownRecord(
  v.union([v.string(), v.array(v.string())], 'a provider list must be a comma-separated string or a list of strings'),
  'must be a mapping of package names to provider lists',
);

/** Parses what a user typed (e.g. the JSON of `--providers`); throws `UsageError` naming the problem. */
export function parseProvidersInput(value: unknown, what: string): ProvidersInput {
  const result = v.safeParse(ProvidersSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue);
    throw new UsageError(`${what}${path ? `.${path}` : ''}: ${issue.message}`);
  }
  return result.output;
}

export class ProviderSettings {
  private constructor(
    private readonly defaults: readonly ProviderName[],
    private readonly perPackage: ReadonlyMap<string, readonly ProviderName[]>,
    private readonly emptied: ReadonlyMap<string, readonly ProviderName[]> = new Map(),
  ) {}

  /**
   * @param providers the user's `providers` (replaces default entries)
   * @param providerDefaults mach-nix's `_providerDefaults`: null for the built-in table, `{}` for none
   * @param condaChannels channels an environment.yml or `condaChannelsExtra` asked for, appended to
   *   the defaults' `_default` unless already there (as mach-nix did)
   */
  static create(providers: ProvidersInput, providerDefaults: ProvidersInput | null, condaChannels: readonly string[] = []): ProviderSettings {
    const defaults = normalizeKeys(providerDefaults ?? BUILT_IN_PROVIDER_DEFAULTS, '_providerDefaults');
    const defaultList = defaults.get('_default') ?? [];
    const extended = [...defaultList, ...condaChannels.map(providerName).filter((c) => !defaultList.includes(c))];
    if (extended.length > 0 || defaults.has('_default')) defaults.set('_default', extended);
    for (const [key, list] of normalizeKeys(providers, 'providers')) defaults.set(key, list);
    const fallback = defaults.get('_default');
    if (fallback === undefined) {
      throw new UsageError("providers must contain a '_default' entry when _providerDefaults is {} (e.g. _default = \"wheel,sdist\")");
    }
    defaults.delete('_default');
    return new ProviderSettings(fallback, defaults);
  }

  /** The providers of a package (PEP 503 name or any spelling of it), most preferred first. */
  forPackage(name: string): readonly ProviderName[] {
    return this.perPackage.get(canonicalizeName(name)) ?? this.defaults;
  }

  /** Every provider named anywhere. */
  get all(): ProviderName[] {
    return [...new Set([...this.defaults, ...[...this.perPackage.values()].flat()])];
  }

  /**
   * These settings under pip's format options (`--no-binary`, `--only-binary`, `--prefer-binary` of
   * a requirements file), mapped onto providers: a binary is a wheel or a conda package, a source
   * an sdist; nixpkgs builds with Nix and is neither, so it stays. A name wins over `:all:`, as in
   * pip's `get_allowed_formats`. `--prefer-binary` puts sdist after the binary providers. A package
   * left without a provider has no candidates; `emptiedBy` says why.
   */
  withFormats(formats: FormatOptions): ProviderSettings {
    const { noBinary, onlyBinary, preferBinary } = formats;
    if (noBinary.length === 0 && onlyBinary.length === 0 && !preferBinary) return this;
    const allowed = (name: string | null): ((provider: ProviderName) => boolean) => {
      const only = name !== null && onlyBinary.includes(name);
      const no = !only && name !== null && noBinary.includes(name);
      if (only || (!no && onlyBinary.includes(':all:'))) return (provider) => provider !== 'sdist';
      if (no || noBinary.includes(':all:')) return (provider) => !isBinary(provider);
      return () => true;
    };
    const apply = (name: string | null, list: readonly ProviderName[]): ProviderName[] => {
      const kept = list.filter(allowed(name));
      if (kept.length === 0) emptied.set(name ?? '_default', list);
      return preferBinary ? [...kept.filter((p) => p !== 'sdist'), ...kept.filter((p) => p === 'sdist')] : kept;
    };
    const emptied = new Map<string, readonly ProviderName[]>();
    const perPackage = new Map<string, readonly ProviderName[]>();
    for (const name of [...noBinary, ...onlyBinary].filter((n) => n !== ':all:')) perPackage.set(name, apply(name, this.forPackage(name)));
    for (const [name, list] of this.perPackage) if (!perPackage.has(name)) perPackage.set(name, apply(name, list));
    return new ProviderSettings(apply(null, this.defaults), perPackage, emptied);
  }

  /** Why a package has no provider at all: the format options took away these. */
  emptiedBy(name: string): string | null {
    const key = canonicalizeName(name);
    const list = this.emptied.get(this.perPackage.has(key) ? key : '_default');
    return list === undefined ? null : `--no-binary/--only-binary of the requirements leave ${key} none of its providers (${list.join(', ')})`;
  }

  toJSON(): Record<string, ProviderName[]> {
    const entries = [...this.perPackage].sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries([['_default', [...this.defaults]], ...entries.map(([k, list]) => [k, [...list]])]);
  }
}

/** pip's format options as a requirements file left them (names PEP 503-normalised, or `:all:`). */
export interface FormatOptions {
  readonly noBinary: readonly string[];
  readonly onlyBinary: readonly string[];
  readonly preferBinary: boolean;
}

function isBinary(provider: ProviderName): boolean {
  return provider === 'wheel' || provider.startsWith('conda/');
}

function normalizeKeys(input: ProvidersInput, what: string): Map<string, ProviderName[]> {
  const result = new Map<string, ProviderName[]>();
  for (const [rawKey, value] of Object.entries(input)) {
    const trimmed = rawKey.trim();
    const key = trimmed === '_default' ? trimmed : canonicalizeName(trimmed);
    if (result.has(key)) throw new UsageError(`${what}: '${rawKey}' names the same package as another key`);
    result.set(key, parseProviderList(value, `${what}.${rawKey}`));
  }
  return result;
}

function parseProviderList(value: string | readonly string[], where: string): ProviderName[] {
  const words = (typeof value === 'string' ? value.split(',') : value).map((w) => w.trim());
  const list: ProviderName[] = [];
  for (const word of words) {
    if (word === '') throw new UsageError(`${where}: empty provider name in ${JSON.stringify(value)}`);
    const names: ProviderName[] = word === 'conda' ? ['conda/main', 'conda/r'] : [providerName(word)];
    for (const name of names) if (!list.includes(name)) list.push(name);
  }
  return list;
}

function providerName(word: string): ProviderName {
  if (word === 'wheel' || word === 'sdist' || word === 'nixpkgs') return word;
  const channel = word.startsWith('conda/') ? word.slice('conda/'.length) : word;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(channel)) throw new UsageError(`invalid provider or conda channel name ${JSON.stringify(word)}`);
  return `conda/${channel}`;
}
