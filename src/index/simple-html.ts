/**
 * PEP 503 project pages (HTML), with the attributes later PEPs added to the anchors: PEP 345/503
 * `data-requires-python`, PEP 592 `data-yanked`, PEP 658 `data-dist-info-metadata` and its PEP 714
 * successor `data-core-metadata`, PEP 629 `<meta name="pypi:repository-version">`. The same parser
 * reads `--find-links` HTML pages, which are plain lists of links.
 */
import { htmlparser2 } from '../on-demand.js';
import type { PageLink } from './project-files.js';
import { hashesFromFragment, withoutFragment } from './urls.js';

export interface ParsedPage {
  /** PEP 629 repository version (`1.0`), null when the page does not state one. */
  readonly apiVersion: string | null;
  readonly links: PageLink[];
}

/** `true` → `{}`, `sha256=abc` → `{sha256: 'abc'}`, anything else (absent, `false`) → null. */
function metadataAttribute(value: string | undefined): Record<string, string> | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'true') return {};
  const match = /^([a-z0-9]+)=([0-9a-fA-F]+)$/.exec(trimmed);
  return match ? { [match[1]!]: match[2]!.toLowerCase() } : null;
}

/** The last path component of a URL, percent-decoded: the file name PEP 503 says links end in. */
export function filenameOfUrl(url: string): string {
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Parses a PEP 503 page fetched from `pageUrl` (the final URL, after redirects). */
export function parseSimpleHtml(html: string, pageUrl: string): ParsedPage {
  let base = pageUrl;
  let apiVersion: string | null = null;
  const anchors: Array<Record<string, string>> = [];
  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes.href && anchors.length === 0) {
          try {
            base = new URL(attributes.href, pageUrl).href;
          } catch {
            // An unusable <base> is ignored, as browsers and pip do.
          }
        } else if (name === 'meta' && attributes.name === 'pypi:repository-version' && attributes.content) {
          apiVersion = attributes.content.trim();
        } else if (name === 'a' && attributes.href) {
          anchors.push(attributes);
        }
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  const links: PageLink[] = [];
  for (const anchor of anchors) {
    let absolute: string;
    try {
      absolute = new URL(anchor.href!, base).href;
    } catch {
      continue;
    }
    const filename = filenameOfUrl(absolute);
    if (filename === '') continue;
    const yanked = anchor['data-yanked'];
    links.push({
      filename,
      url: withoutFragment(absolute),
      hashes: hashesFromFragment(absolute),
      requiresPython: anchor['data-requires-python']?.trim() || null,
      yanked: yanked === undefined ? null : yanked,
      coreMetadata: metadataAttribute(anchor['data-core-metadata'] ?? anchor['data-dist-info-metadata']),
      size: null,
    });
  }
  return { apiVersion, links };
}
