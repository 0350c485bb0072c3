/**
 * PEP 691 project pages (JSON, `application/vnd.pypi.simple.v1+json`), with PEP 592 `yanked`,
 * PEP 658/714 `core-metadata` (or the older `dist-info-metadata`) and PEP 700 `size`. The
 * document is checked with valibot: a malformed page is one error naming the URL and the field.
 */
import * as v from 'valibot';
import { UnsupportedIndexResponse } from './errors.js';
import type { PageLink } from './project-files.js';
import type { ParsedPage } from './simple-html.js';
import { normaliseHashes, withoutFragment } from './urls.js';

const Hashes = v.record(v.string(), v.string());
const MetadataFlag = v.optional(v.union([v.boolean(), Hashes]));

const FileSchema = v.object({
  filename: v.pipe(v.string(), v.minLength(1)),
  url: v.pipe(v.string(), v.minLength(1)),
  hashes: Hashes,
  'requires-python': v.optional(v.nullable(v.string())),
  yanked: v.optional(v.union([v.boolean(), v.string()])),
  'core-metadata': MetadataFlag,
  'dist-info-metadata': MetadataFlag,
  size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

const PageSchema = v.object({
  meta: v.object({ 'api-version': v.string() }),
  name: v.string(),
  files: v.array(FileSchema),
});

function metadataFlag(value: boolean | Record<string, string> | undefined): Record<string, string> | null {
  if (value === undefined || value === false) return null;
  return value === true ? {} : normaliseHashes(value);
}

/** Parses a PEP 691 page fetched from `pageUrl` (the final URL, after redirects). */
export function parseSimpleJson(text: string, pageUrl: string): ParsedPage {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UnsupportedIndexResponse(pageUrl, `the PEP 691 page is not JSON: ${(error as Error).message}`);
  }
  const result = v.safeParse(PageSchema, document);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '(document)';
    throw new UnsupportedIndexResponse(pageUrl, `malformed PEP 691 page at ${path}: ${issue.message}`);
  }
  const page = result.output;
  const links: PageLink[] = [];
  for (const file of page.files) {
    let absolute: string;
    try {
      absolute = new URL(file.url, pageUrl).href;
    } catch {
      throw new UnsupportedIndexResponse(pageUrl, `malformed PEP 691 page: file ${JSON.stringify(file.filename)} has an invalid url`);
    }
    const yanked = file.yanked === undefined || file.yanked === false ? null : file.yanked === true ? '' : file.yanked;
    links.push({
      filename: file.filename,
      url: withoutFragment(absolute),
      hashes: normaliseHashes(file.hashes),
      requiresPython: file['requires-python']?.trim() || null,
      yanked,
      coreMetadata: metadataFlag(file['core-metadata'] ?? file['dist-info-metadata']),
      size: file.size ?? null,
    });
  }
  return { apiVersion: page.meta['api-version'], links };
}
