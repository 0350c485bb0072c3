/**
 * Errors a user can cause. Each one renders as a single line that names the problem and, for
 * files, the place (`file:line`); the CLI prints `message` and never a stack trace.
 */

/** Where in an input file something was found. `line` is 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  /** A key path inside a structured file (JSON, TOML, YAML), e.g. `sdist/3e.json: requests."2.0"`. */
  readonly key?: string;
}

/** Texts longer than this are shortened when an error message quotes them. */
const QUOTED_LENGTH = 200;

/**
 * `text` as a JSON string for a message; a long one (a 1 MB line) is cut, saying how long it was,
 * so the message stays one readable line.
 */
export function quote(text: string): string {
  if (text.length <= QUOTED_LENGTH) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTED_LENGTH))}… (${text.length} characters)`;
}

/** `text` as it is for a message, or cut like `quote` when it is long. */
export function shorten(text: string): string {
  return text.length <= QUOTED_LENGTH ? text : `${text.slice(0, QUOTED_LENGTH)}… (${text.length} characters)`;
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.key !== undefined) text += ` (${location.key})`;
  return text;
}

/** Base class: every error the user may see. Anything else reaching the CLI is a bug. */
export class MachNixError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  /**
   * @param message one line
   * @param details lines printed after it, for what cannot be said in one (a conflict's explanation)
   */
  constructor(
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong command-line usage: exit code 2, like every POSIX tool. */
export class UsageError extends MachNixError {
  override readonly exitCode = 2;
}

/**
 * Text that does not follow a standard: `what` names the kind of text ("version",
 * "requirement", …), `text` is the offending text, `reason` why it was refused.
 * Every concrete subclass takes `(text, reason, location?)`, which is what `at` relies on.
 */
export abstract class ParseError extends MachNixError {
  constructor(
    readonly what: string,
    readonly text: string,
    readonly reason: string,
    readonly location?: SourceLocation,
  ) {
    super(
      (location ? `${formatLocation(location)}: ` : '') +
        `invalid ${what} ${quote(text)}: ${reason}`,
    );
  }

  /** The same error, reported at a place in a file (parsers of single strings do not know it). */
  at(location: SourceLocation): ParseError {
    const Kind = this.constructor as new (text: string, reason: string, location?: SourceLocation) => ParseError;
    return new Kind(this.text, this.reason, location);
  }
}

export class InvalidVersion extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('version', text, reason, location);
  }
}

export class InvalidSpecifier extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('version specifier', text, reason, location);
  }
}

export class InvalidMarker extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('environment marker', text, reason, location);
  }
}

export class InvalidRequirement extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('requirement', text, reason, location);
  }
}

export class InvalidWheelFilename extends ParseError {
  constructor(text: string, reason: string, location?: SourceLocation) {
    super('wheel file name', text, reason, location);
  }
}

/**
 * Metadata that makes one candidate unusable (an invalid requirement, a Requires-Python the target
 * fails, dependencies known only after a build): pip skips such versions too, and so does the
 * solver. The message continues the candidate's name (`flask 3.1.3 <message>`).
 */
export class InvalidMetadata extends MachNixError {}

/** A marker that is well-formed but cannot be evaluated (packaging's UndefinedComparison and kin). */
export class MarkerEvaluationError extends MachNixError {}

/** An input file (requirements.txt, pyproject.toml, environment.yml) that cannot be used. */
export class InputFileError extends MachNixError {
  constructor(
    readonly location: SourceLocation,
    readonly reason: string,
  ) {
    super(`${formatLocation(location)}: ${reason}`);
  }
}

/**
 * A file that is not UTF-8 text (see utf8-text.ts). Its own class so that readers which wrap their
 * errors pass it on as it is: it names the file, the line and the byte already.
 */
export class NotUtf8Error extends InputFileError {}

/** Third-party data (pypi-deps-db, fetcher, conda repodata, nixpkgs index) that is malformed. */
export class DataError extends MachNixError {
  constructor(
    readonly location: SourceLocation,
    readonly reason: string,
  ) {
    super(`${formatLocation(location)}: ${reason}`);
  }
}

/** A data file that is not UTF-8 text (a damaged download or disk), passed on as it is like NotUtf8Error. */
export class NotUtf8DataError extends DataError {}
