/**
 * The package indexes and find-links locations a resolution reads: the configuration a pip or uv
 * user already has and the command line's options (`index-config.ts`), then the requirements
 * files' own option lines applied one by one as pip's `handle_option_line` applies them to its
 * finder — `--index-url` replaces the index list built so far (the configured extra indexes
 * included), `--extra-index-url` appends, `--no-index` empties it for good, `--find-links` and
 * `--trusted-host` append. Every location keeps where it came from, for messages.
 *
 * pip's secure-origin rule is kept, as an error rather than pip's warning-and-ignore: a plain
 * `http://` location on a host other than the loopback one is used only when a `trusted-host`
 * names that host (or `host:port`). TLS certificates are always verified.
 */
import { UsageError } from '../errors.js';
import type { OptionLine } from '../requirements-txt.js';
import { formatLocation } from '../errors.js';
import type { IndexConfiguration, Sourced } from './index-config.js';
import { redactUrl } from './urls.js';

export interface EffectiveLocations {
  /** The main index first, then the extra indexes; empty with `--no-index`. */
  readonly indexUrls: readonly Sourced<string>[];
  readonly findLinks: readonly Sourced<string>[];
  readonly trustedHosts: readonly Sourced<string>[];
}

/**
 * The locations in effect: `config` (with the command line's options already in it), `noIndex`
 * from the command line, then the option lines of the requirements in their order.
 */
export function effectiveLocations(config: IndexConfiguration, noIndex: boolean, lines: readonly OptionLine[]): EffectiveLocations {
  let ignoreIndexes = noIndex;
  let indexUrls: Sourced<string>[] = ignoreIndexes ? [] : [config.indexUrl, ...config.extraIndexUrls];
  const findLinks = [...config.findLinks];
  const trustedHosts = [...config.trustedHosts];
  for (const line of lines) {
    const entry = { value: line.value ?? '', source: formatLocation(line.source) };
    switch (line.option) {
      case '--no-index':
        ignoreIndexes = true;
        indexUrls = [];
        break;
      case '--index-url':
        if (!ignoreIndexes) indexUrls = [entry];
        break;
      case '--extra-index-url':
        if (!ignoreIndexes) indexUrls = [...indexUrls, entry];
        break;
      case '--find-links':
        findLinks.push(entry);
        break;
      case '--trusted-host':
        trustedHosts.push(entry);
        break;
    }
  }
  const locations = { indexUrls, findLinks, trustedHosts };
  checkSecureOrigins(locations);
  return locations;
}

/** pip's SECURE_ORIGINS: https, file, and any scheme on the loopback addresses and localhost. */
function isSecure(url: URL): boolean {
  if (url.protocol !== 'http:') return true;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkSecureOrigins(locations: EffectiveLocations): void {
  const trusted = locations.trustedHosts.map((entry) => entry.value.trim().toLowerCase());
  for (const entry of [...locations.indexUrls, ...locations.findLinks]) {
    let url: URL;
    try {
      url = new URL(entry.value);
    } catch {
      continue; // a local path
    }
    if (isSecure(url) || trusted.includes(url.hostname) || trusted.includes(url.host)) continue;
    throw new UsageError(
      `${redactUrl(entry.value)} (from ${entry.source}) is plain http on another host: its pages and hashes could be changed on the way, ` +
        `so, as pip, mach-nix uses it only for a trusted host — add --trusted-host ${url.host} (command line, requirements file, ` +
        'pip.conf or PIP_TRUSTED_HOST), or use https',
    );
  }
}
