/**
 * Reader of the nixpkgs python index the Nix side writes (reference §4.5, §5.4):
 * `{ "<attribute>": { "pname", "version", "requirements": string | null } | null }`, one entry per
 * attribute of `python.pkgs`; null marks attributes that failed to evaluate or are broken. Entries
 * are keyed by `legacyKey(pname)`, as mach-nix does. Versions are kept as they are, PEP 440 or not:
 * the nixpkgs provider decides what to do with `unstable-2022-01-01`.
 */
import * as v from 'valibot';
import { legacyKey } from '../pep503.js';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { dataError, expectObject, issueError, readJsonFile } from './buckets.js';
import { compareCodePoints } from '../code-points.js';
import type { NixpkgsAttribute } from './source.js';

const attributeSchema = builtOnFirstUse(() => v.object({
  pname: v.string(),
  version: v.string(),
  requirements: v.nullish(v.string()),
}));

export interface NixpkgsEntry extends NixpkgsAttribute {
  readonly key: string;
}

/** Every attribute of the index file, sorted by key then attribute. */
export function readNixpkgsIndex(file: string): NixpkgsEntry[] {
  const json = readJsonFile(file);
  if (json === undefined) throw dataError(file, [], 'no such file');
  const attributes = expectObject(json, file, []);
  const entries: NixpkgsEntry[] = [];
  for (const attribute of Object.keys(attributes)) {
    const value = attributes[attribute];
    if (value === null) continue;
    const parsed = v.safeParse(attributeSchema(), expectObject(value, file, [attribute]));
    if (!parsed.success) throw issueError(file, [attribute], parsed.issues);
    const { pname, version, requirements } = parsed.output;
    entries.push({ key: legacyKey(pname), attribute, pname, version, requirements: requirements ?? null });
  }
  return entries.sort((a, b) => compareCodePoints(a.key, b.key) || compareCodePoints(a.attribute, b.attribute));
}

/** The index file's entries by key, each list sorted by attribute. */
export function indexNixpkgs(file: string): Map<string, NixpkgsEntry[]> {
  const index = new Map<string, NixpkgsEntry[]>();
  for (const entry of readNixpkgsIndex(file)) {
    const list = index.get(entry.key) ?? [];
    index.set(entry.key, list);
    list.push(entry);
  }
  return index;
}

/** The interface's view of an entry. */
export function nixpkgsAttribute({ attribute, pname, version, requirements }: NixpkgsEntry): NixpkgsAttribute {
  return { attribute, pname, version, requirements };
}
