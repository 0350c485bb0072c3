/**
 * pypa/packaging's test vectors (`../shared/conformance/pep-vectors.json`): the sections the tests
 * of the standards modules read, typed as far as they read them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from './paths.js';

export interface VersionVector {
  input: string;
  valid: boolean;
  normalized?: string;
  epoch?: number;
  release?: number[];
  local?: string | null;
}

export interface RequirementVector {
  input: string;
  valid: boolean;
  name?: string;
  canonical_name?: string;
}

export interface WheelFilenameVector {
  filename: string;
  valid: boolean;
  name?: string;
  version?: string;
  build?: [number, string] | null;
  tags?: string[];
}

export const vectors = JSON.parse(readFileSync(join(conformanceDir, 'pep-vectors.json'), 'utf8')) as {
  versions: VersionVector[];
  requirements: RequirementVector[];
  wheel_filenames: WheelFilenameVector[];
};
