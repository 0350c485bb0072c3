/**
 * The answer to a resolve request, typed: a resolution, or a failure that keeps the error it came
 * from (so the CLI reports it as it was thrown, and Nix gets the same text in the failure
 * document). What the import-from-derivation writes and `mach-nix lock` saves. Problems with the
 * data themselves, or with reaching a package index, are thrown, never answered: they are the
 * operator's, not the request's.
 */
import { DataError, MachNixError } from '../errors.js';
import type { DependencySource } from '../db/source.js';
import type { Resolution, ResolutionDocument, ResolutionFailure } from '../generated/resolution.js';
import type { ResolveRequest } from '../generated/resolve-request.js';
import { readRequirementsText } from '../inputs.js';
import { parseProvidersInput } from '../providers/settings.js';
import { ResolutionImpossible, resolve } from '../resolve.js';
import { parseTarget } from '../target.js';
import { toolVersion } from '../version.js';
import { isIndexFailure } from '../index/errors.js';
import { requestHash } from './request.js';

export type Answer =
  | { readonly ok: true; readonly resolution: Resolution }
  | { readonly ok: false; readonly failure: ResolutionFailure; readonly error: MachNixError };

export function answer(request: ResolveRequest, source: DependencySource): Answer {
  const inputHash = requestHash(request);
  try {
    const { resolution } = resolve({
      source,
      inputs: readRequirementsText(request.requirements, { name: 'requirements' }),
      target: parseTarget(request),
      providers: parseProvidersInput(request.providers, 'providers'),
      providerDefaults: request.providerDefaults === null ? null : parseProvidersInput(request.providerDefaults, '_providerDefaults'),
      condaChannels: request.condaChannels,
      cudaVersion: request.cudaVersion,
      inputHash,
    });
    // The request itself goes into the document too: a lock that becomes stale can then say which
    // part of the request changed (nix/resolution.nix, `mach-nix lock --check`).
    return { ok: true, resolution: { ...resolution, request } };
  } catch (error) {
    if (!(error instanceof MachNixError) || error instanceof DataError || isIndexFailure(error)) throw error;
    const failure: ResolutionFailure = {
      lockVersion: 1,
      generator: `mach-nix ${toolVersion()}`,
      inputHash,
      error: {
        kind: error instanceof ResolutionImpossible ? 'unsatisfiable' : 'input',
        message: error.details === null ? error.message : `${error.message}\n${error.details}`,
      },
    };
    return { ok: false, failure, error };
  }
}

/** The document an answer is written as. */
export function answerDocument(outcome: Answer): ResolutionDocument {
  return outcome.ok ? outcome.resolution : outcome.failure;
}
