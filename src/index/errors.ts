/**
 * Errors of the package-index client. Each is one line naming what failed and where (the URL
 * without credentials); none ever contains a password, because every URL in them went through
 * `redactUrl` and every request error's text through the transport's scrubber.
 */
import { MachNixError } from '../errors.js';

/** A request that failed for good: after its retries, or at once for a client error (4xx). */
export class IndexRequestError extends MachNixError {
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The final HTTP status, or null for a connection error or timeout. */
    readonly status: number | null = null,
  ) {
    super(`${url}: ${reason}`);
  }
}

/** Offline mode needed something the cache does not have. */
export class OfflineCacheMiss extends MachNixError {
  constructor(
    readonly what: string,
    readonly url: string,
  ) {
    super(`offline: the cache has no ${what} (${url}); run once without --offline to fetch it`);
  }
}

/** A file (or its metadata file) whose bytes do not have the hash the index states for them. */
export class HashMismatch extends MachNixError {
  constructor(
    readonly url: string,
    readonly algorithm: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${url}: ${algorithm} is ${actual}, but the index says ${expected}; the file changed or was corrupted in transit`);
  }
}

/** An index answer this client cannot use (a future API version, a malformed page). */
export class UnsupportedIndexResponse extends MachNixError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

/**
 * An sdist-only release whose dependencies cannot be read without building it (PEP 643): the
 * message names the release and the two ways out.
 */
export class DynamicSdistMetadata extends MachNixError {
  constructor(
    readonly project: string,
    readonly version: string,
    readonly filename: string,
    readonly url: string,
    readonly reason: string,
  ) {
    super(
      `${project} ${version} has only an sdist (${filename}, ${url}) and ${reason}; ` +
        `pin a version of ${project} that has a wheel, or state its dependencies yourself`,
    );
  }
}

/**
 * A failure of the index itself (a request, the offline cache, a corrupted file, an unknown API):
 * the operator's problem, like malformed pinned data, never an answer to the request.
 */
export function isIndexFailure(error: unknown): boolean {
  return error instanceof IndexRequestError || error instanceof OfflineCacheMiss || error instanceof HashMismatch || error instanceof UnsupportedIndexResponse;
}
