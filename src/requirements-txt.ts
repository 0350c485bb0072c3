/**
 * pip's requirements file format, with the semantics of pip 23's `req/req_file.py` and
 * `req/constructors.py`, plus the conda-style requirement lines mach-nix accepted in the same files.
 *
 * A file is read in the order pip reads it:
 * 1. *logical lines*: a physical line ending in `\` continues on the next one, unless it is a
 *    comment line (which also ends a continuation in progress); a logical line is located at its
 *    first physical line;
 * 2. comments (`#` at the start of a line or after whitespace, so URL fragments such as `#egg=`
 *    survive) and blank lines are dropped;
 * 3. each line splits into a *requirement* (the text before the first space-separated word that
 *    starts with `-`, pip's `break_args_options`) and *options* (split by `shlex`, as pip does:
 *    `--opt=value`, `--opt value`, `-r file`, `-rfile`);
 * 4. option lines change the file-wide state as pip's `handle_option_line` does, line by line;
 *    `--no-binary`/`--only-binary` on a requirement line do too (pip's line parser shares the
 *    finder's FormatControl).
 *
 * Paths: `-r`/`-c` are relative to the including file's folder, as in pip; local requirement paths
 * of a file (`.`, `-e .`, `./pkg[x]`) are relative to the working directory, as pip takes them, and
 * kept as written; text from no file has no working directory of its own (`LocalBase`). A bare URL is named as pip's `parse_req_from_line` names it (wheel file name, `#egg=`).
 *
 * Differences from pip, all so that the result does not depend on the machine that reads it:
 * `${VAR}` references are refused instead of expanded; nothing is looked up on disk or on the
 * network (`-r URL`, unnamed web URLs and version-control URLs are refused); what pip silently
 * ignores (other file-wide options on a requirement line, `--hash` without a requirement, words
 * after an option's value) is an error; long options must be spelled in full (pip's option parser
 * also accepts unambiguous prefixes).
 *
 * Requirement text is read as PEP 508 first; what PEP 508 refuses is tried as a mach-nix
 * conda-style line (`name[extras] spec-or-version [build] [; marker]`, mach-nix-behaviour.md §6.1),
 * without mach-nix's quirks (it dropped everything after `@` and turned `extra == "x"` marker
 * clauses into extras).
 */
import { realpathSync } from 'node:fs';
import { posix as path } from 'node:path';
import { type CondaLineParts, parseCondaLine, pytzAnyVersion } from './loose-requirement.js';
import { InputFileError, InvalidMarker, InvalidRequirement, InvalidWheelFilename, NotUtf8Error, type SourceLocation, quote, shorten } from './errors.js';
import { canonicalizeName, isValidName } from './pep503.js';
import { Marker, Requirement, parseRequirement } from './pep508.js';
import { shlex } from './on-demand.js';
import { readUtf8File } from './utf8-text.js';
import { explainRequirementError } from './requirement-mistakes.js';
import { parseWheelFilename } from './wheel-tags.js';

/** A PEP 508 requirement, `name @ url` included. */
export interface PypiRequirementLine {
  kind: 'requirement';
  requirement: Requirement;
  /** `--hash` values as written (`sha256:…`), in order. */
  hashes: string[];
  source: SourceLocation;
}

/** A mach-nix conda-style line: `blas 1.* openblas`, `openjdk =8|11`, `requests 2.24.0` (`loose-requirement.ts`). */
export interface CondaRequirementLine extends CondaLineParts {
  kind: 'conda';
  hashes: string[];
  source: SourceLocation;
}

/** `-e PATH_OR_URL`: a local path resolved against the including file's folder, a URL as written. */
export interface EditableLine {
  kind: 'editable';
  target: string;
  /** Extras written after a local path (`-e .[dev]`). */
  extras: string[];
  source: SourceLocation;
}

/**
 * A bare local directory or archive (`./pkg`, `../x.tar.gz`, `/abs/dir`, `foo-1.0.tar.gz`) or a bare
 * URL (`file:///…`, `https://…/x.whl`, `git+https://…#egg=x`), which pip accepts and later stages
 * must build; a local path is resolved against the including file's folder, a URL kept as written.
 */
export interface PathLine {
  kind: 'path';
  target: string;
  /** Extras written after a local path (`./pkg[extra]`). */
  extras: string[];
  marker: Marker | null;
  hashes: string[];
  source: SourceLocation;
}

export type RequirementLine = PypiRequirementLine | CondaRequirementLine | EditableLine | PathLine;

/** One option line (or a file-wide option written on a requirement line), as read. */
export interface OptionLine {
  /** The option's long name (`--index-url` for `-i`). */
  readonly option: string;
  /** Null for flags. */
  readonly value: string | null;
  readonly source: SourceLocation;
}

/**
 * The options of requirements files that apply to the whole resolution, as pip's state after
 * reading them line by line (`req_file.py`'s `handle_option_line`, `format_control.py`).
 */
export interface RequirementsOptions {
  /**
   * pip's index list: null while no index option was read (pip's default, PyPI); `--index-url`
   * replaces the list built so far, `--extra-index-url` appends, `--no-index` empties it for good.
   */
  indexUrls: string[] | null;
  noIndex: boolean;
  /** `-f`/`--find-links`: URLs as written, local paths resolved against the file's folder. */
  findLinks: string[];
  trustedHosts: string[];
  /**
   * pip's FormatControl: PEP 503 names, or `:all:`; `:none:` clears; a name given to one is taken
   * out of the other, and `:all:` clears both first. A name wins over `:all:`.
   */
  noBinary: string[];
  onlyBinary: string[];
  preferBinary: boolean;
  pre: boolean;
  requireHashes: boolean;
  /** Every option read, in order, with its place. */
  given: OptionLine[];
}

/** The state before any option. */
export function emptyOptions(): RequirementsOptions {
  return {
    indexUrls: null, noIndex: false, findLinks: [], trustedHosts: [], noBinary: [], onlyBinary: [],
    preferBinary: false, pre: false, requireHashes: false, given: [],
  };
}

/** The PyPI index pip starts from (`PyPI.simple_url`). */
const PYPI_SIMPLE = 'https://pypi.org/simple';

/** Applies one file-wide option to the state, as pip does when it reads the line. */
export function applyOption(options: RequirementsOptions, line: OptionLine): void {
  const value = line.value ?? '';
  options.given.push(line);
  switch (line.option) {
    case '--index-url':
      if (!options.noIndex) options.indexUrls = [value];
      return;
    case '--extra-index-url':
      if (!options.noIndex) options.indexUrls = [...(options.indexUrls ?? [PYPI_SIMPLE]), value];
      return;
    case '--no-index':
      options.noIndex = true;
      options.indexUrls = [];
      return;
    case '--find-links':
      options.findLinks.push(value);
      return;
    case '--trusted-host':
      options.trustedHosts.push(value);
      return;
    case '--no-binary':
      formatControl(value, options.noBinary, options.onlyBinary);
      return;
    case '--only-binary':
      formatControl(value, options.onlyBinary, options.noBinary);
      return;
    case '--prefer-binary':
      options.preferBinary = true;
      return;
    case '--pre':
      options.pre = true;
      return;
    case '--require-hashes':
      options.requireHashes = true;
      return;
  }
}

/** pip's `FormatControl.handle_mutual_excludes`, on sorted lists. */
function formatControl(value: string, target: string[], other: string[]): void {
  const set = (list: string[], items: Iterable<string>) => list.splice(0, list.length, ...[...new Set(items)].sort());
  let names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  while (names.includes(':all:')) {
    set(other, []);
    set(target, [':all:']);
    names = names.slice(names.indexOf(':all:') + 1);
    if (!names.includes(':none:')) return;
  }
  for (const name of names) {
    if (name === ':none:') {
      set(target, []);
      continue;
    }
    const key = canonicalizeName(name);
    set(other, other.filter((n) => n !== key));
    set(target, [...target, key]);
  }
}

export interface RequirementsFile {
  requirements: RequirementLine[];
  /** Lines of `-c` files and of the files they include; only named requirements (no `-e`, no paths). */
  constraints: RequirementLine[];
  options: RequirementsOptions;
  /** Every file read, in the order first read, each once (text given directly is not a file). */
  files: string[];
}

export interface ReadOptions {
  /** Reads a file as text; defaults to `readUtf8File` (bytes that are not UTF-8 refused). Injectable for tests. */
  readFile?: (path: string) => string;
  /**
   * The identity of a file for include cycles: defaults to its real path (symbolic links followed),
   * else its normalised path. Injectable with `readFile`.
   */
  identify?: (path: string) => string;
}

/**
 * How many files deep `-r`/`-c` may include. pip's recursion stops at Python's recursion limit
 * (about 1,000 levels); a stated limit replaces a stack overflow, and real projects nest a few.
 */
export const MAX_INCLUDE_DEPTH = 100;

/** Parses a requirements file and, recursively, the files it includes with `-r` and `-c`. */
export function parseRequirementsFile(file: string, options: ReadOptions = {}): RequirementsFile {
  const reader = new RequirementsReader(options.readFile ?? readUtf8File, options.identify ?? (options.readFile ? path.normalize : realPath));
  reader.readFile(file, [], false, null);
  return reader.result();
}

/**
 * For text that does not come from a file (e.g. mkPython's `requirements` string). `origin.name`
 * names it in errors; `-r`/`-c` and relative local paths are resolved against `origin.baseDir`, and
 * are an error when it is absent (nothing locates them then). Files it includes are read as files.
 */
export function parseRequirementsText(
  text: string,
  origin: { name: string; baseDir?: string },
  options: ReadOptions = {},
): RequirementsFile {
  const reader = new RequirementsReader(options.readFile ?? readUtf8File, options.identify ?? (options.readFile ? path.normalize : realPath));
  reader.readText(text, { file: origin.name, baseDir: origin.baseDir ?? null, localBase: origin.baseDir ?? null }, [], false);
  return reader.result();
}

/**
 * One requirement written as a line of a requirements file would write it, outside any file (the
 * `pip:` list of an environment.yml): a trailing comment is stripped and `--hash` and `-e` are
 * allowed; every other option, `-r`/`-c` included, is refused since there is no file to attach it
 * to. Relative local paths are resolved against `baseDir` (`LocalBase`; conda runs pip in the
 * environment.yml's folder, the CLI's strings are relative to the working directory).
 */
export function parseRequirementLine(text: string, source: SourceLocation, baseDir: LocalBase): RequirementLine {
  const line = stripComment(text);
  if (line === '') throw new InputFileError(source, `empty requirement ${quote(text)}`);
  refuseEnvironmentVariables(line, source);
  const { argument, options } = splitLine(line, source);
  for (const option of options) {
    if (option.name !== '--hash' && option.name !== '--editable') {
      throw new InputFileError(source, `option ${shorten(option.written)} is not supported here, only in a requirements file`);
    }
  }
  if (argument !== '') return requirementLine(argument, options, source, baseDir);
  return editableLine(options, source, baseDir);
}

/** A file's path with symbolic links resolved, so a link back to an including file is a cycle. */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.normalize(file); // reading it reports the problem
  }
}

// ---------------------------------------------------------------------------------------------
// Files and includes
// ---------------------------------------------------------------------------------------------

/**
 * What relative local paths of requirements are relative to: a folder, the working directory
 * (requirements files, as pip reads them: kept as written), or nothing (text from no file and no
 * folder, e.g. mkPython's `requirements`: a relative path is refused, since nothing locates it).
 */
export const WORKING_DIRECTORY = Symbol('the working directory');
export type LocalBase = string | typeof WORKING_DIRECTORY | null;

interface TextOrigin {
  /** The name used in locations. */
  readonly file: string;
  /** The folder `-r`/`-c` are resolved against; null when there is none. */
  readonly baseDir: string | null;
  readonly localBase: LocalBase;
}

class RequirementsReader {
  private readonly requirements: RequirementLine[] = [];
  private readonly constraints: RequirementLine[] = [];
  private readonly options: RequirementsOptions = emptyOptions();
  private readonly files: string[] = [];

  constructor(
    private readonly read: (file: string) => string,
    private readonly identify: (file: string) => string,
  ) {}

  result(): RequirementsFile {
    return { requirements: this.requirements, constraints: this.constraints, options: this.options, files: this.files };
  }

  /**
   * Reads `file`; `chain` is the list of files including it (for cycle errors), `includedAt` the
   * line that named it (null for the file given by the caller).
   */
  readFile(file: string, chain: readonly string[], constraint: boolean, includedAt: SourceLocation | null): void {
    const identity = this.identify(file);
    if (chain.some((including) => this.identify(including) === identity)) {
      throw new InputFileError(includedAt ?? { file }, `include cycle: ${[...chain, file].join(' -> ')}`);
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      throw new InputFileError(
        includedAt ?? { file },
        `-r/-c includes nest deeper than ${MAX_INCLUDE_DEPTH} files, the limit (${chain[0]} -> … -> ${chain.at(-1)} -> ${file})`,
      );
    }
    let content: string;
    try {
      content = this.read(file);
    } catch (error) {
      if (error instanceof NotUtf8Error) throw error; // it names the file and the line already
      const reason = describeReadError(error);
      if (includedAt) throw new InputFileError(includedAt, `cannot read included file ${file}: ${reason}`);
      throw new InputFileError({ file }, `cannot read file: ${reason}`);
    }
    if (!this.files.includes(file)) this.files.push(file);
    this.readText(content, { file, baseDir: path.dirname(file), localBase: WORKING_DIRECTORY }, [...chain, file], constraint);
  }

  readText(content: string, origin: TextOrigin, chain: readonly string[], constraint: boolean): void {
    for (const { text, line } of logicalLines(content)) {
      const source: SourceLocation = { file: origin.file, line };
      refuseEnvironmentVariables(text, source);
      const { argument, options } = splitLine(text, source);
      if (argument !== '') {
        // pip's line parser shares the finder's FormatControl, so --no-binary and --only-binary on
        // a requirement line apply to the whole resolution, like on a line of their own.
        const formats = options.filter((option) => FORMAT_OPTIONS.has(option.name));
        for (const option of formats) this.fileWide(option, option.value, source);
        const own = options.filter((option) => !formats.includes(option));
        // In a file, local paths are relative to the working directory, as pip takes them (only
        // -r/-c are relative to the including file).
        this.add(requirementLine(argument, own, source, origin.localBase), constraint);
      } else if (options.some((option) => option.name === '--editable')) {
        this.add(editableLine(options, source, origin.localBase), constraint);
      } else {
        for (const option of options) this.applyOption(option, source, origin, chain, constraint);
      }
    }
  }

  private add(line: RequirementLine, constraint: boolean): void {
    if (!constraint) {
      this.requirements.push(line);
      return;
    }
    // pip refuses these too: a constraint restricts the versions of a named project.
    if (line.kind === 'editable') throw new InputFileError(line.source, 'an editable requirement cannot be a constraint');
    if (line.kind === 'path') {
      throw new InputFileError(line.source, `a constraint needs a project name, not only a location (${line.target})`);
    }
    // pip's `check_invalid_constraint_type` (req/constructors.py).
    if (line.kind === 'requirement' && line.requirement.url !== null) {
      throw new InputFileError(line.source, `links are not allowed as constraints (${line.requirement.url}): constrain the version only`);
    }
    if ((line.kind === 'requirement' ? line.requirement.extras : line.extras).length > 0) {
      throw new InputFileError(line.source, 'constraints cannot have extras: constrain the project itself (pip refuses them too)');
    }
    this.constraints.push(line);
  }

  private applyOption(
    option: LineOption,
    source: SourceLocation,
    origin: TextOrigin,
    chain: readonly string[],
    constraint: boolean,
  ): void {
    const value = option.value ?? '';
    switch (option.name) {
      case '--requirement':
      case '--constraint': {
        if (isUrl(value) || ANY_URL.test(value)) {
          throw new InputFileError(source, `cannot include ${shorten(value)}: files are read from disk only; download it and include the local copy`);
        }
        const included = resolvePath(value, origin.baseDir, source);
        this.readFile(included, chain, constraint || option.name === '--constraint', source);
        return;
      }
      case '--hash':
        throw new InputFileError(source, `option ${shorten(option.written)} needs a requirement on the same line`);
      case '--find-links':
        this.fileWide(option, isUrl(value) ? value : resolveLocalPath(value, origin.baseDir, source), source);
        return;
      default:
        this.fileWide(option, option.value, source);
    }
  }

  private fileWide(option: LineOption, value: string | null, source: SourceLocation): void {
    if (option.name === '--no-binary' || option.name === '--only-binary') {
      if (!(value ?? '').split(',').some((name) => name.trim() !== '')) {
        throw new InputFileError(source, `option ${shorten(option.written)} needs package names, :all: or :none:`);
      }
    }
    applyOption(this.options, { option: option.name, value, source });
  }
}

function describeReadError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'is a directory';
    if (code === 'EACCES') return 'permission denied';
    return firstLine(error.message);
  }
  return firstLine(String(error));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

/** Python's `str.splitlines` boundaries, which pip splits a file with. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const COMMENT_LINE = /^\s*#/;
/** What pip would expand from the environment: `${NAME}` with POSIX variable name characters. */
const ENVIRONMENT_VARIABLE = /\$\{[A-Z0-9_]+\}/;

interface LogicalLine {
  readonly text: string;
  /** 1-based number of its first physical line. */
  readonly line: number;
}

/** Joins continuations, strips comments, drops blank lines. */
function logicalLines(content: string): LogicalLine[] {
  const joined: LogicalLine[] = [];
  let pending: string[] = [];
  let pendingStart = 0;
  content
    .replace(/^\uFEFF/, '')
    .split(LINE_BREAK)
    .forEach((text, index) => {
      const isComment = COMMENT_LINE.test(text);
      if (text.endsWith('\\') && !isComment) {
        if (pending.length === 0) pendingStart = index + 1;
        pending.push(withoutTrailingBackslashes(text));
        return;
      }
      // A comment line closes a continuation; the space makes sure the comment rule strips it.
      const piece = isComment ? ` ${text}` : text;
      if (pending.length > 0) {
        joined.push({ text: pending.join('') + piece, line: pendingStart });
        pending = [];
      } else {
        joined.push({ text: piece, line: index + 1 });
      }
    });
  if (pending.length > 0) joined.push({ text: pending.join(''), line: pendingStart });
  return joined
    .map(({ text, line }) => ({ text: stripComment(text), line }))
    .filter(({ text }) => text !== '');
}

/**
 * Drops a comment — `#` at the start of the text or after white space (pip's `COMMENT_RE`,
 * `(^|\s+)#.*$`) — and trims. Found by a scan: the regular expression backtracks quadratically
 * on a long run of white space without a `#`.
 */
function stripComment(text: string): string {
  // `.*$` cannot cross a line terminator, so a `#` before the last one starts no comment.
  const lastTerminator = Math.max(...['\n', '\r', '\u2028', '\u2029'].map((terminator) => text.lastIndexOf(terminator)));
  for (let at = text.indexOf('#', lastTerminator + 1); at !== -1; at = text.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(text[at - 1]!)) return text.slice(0, at).trim();
  }
  return text.trim();
}

/** `foo \\` → `foo ` (what `/\\+$/` removes, without backtracking over inner runs of `\`). */
function withoutTrailingBackslashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\\') end--;
  return text.slice(0, end);
}

function refuseEnvironmentVariables(text: string, source: SourceLocation): void {
  const reference = ENVIRONMENT_VARIABLE.exec(text);
  if (reference) {
    throw new InputFileError(
      source,
      `environment variable reference ${reference[0]} is not supported: its value would depend on the machine that resolves; write the value itself`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

type OptionName =
  | '--requirement'
  | '--constraint'
  | '--editable'
  | '--index-url'
  | '--extra-index-url'
  | '--no-index'
  | '--find-links'
  | '--no-binary'
  | '--only-binary'
  | '--prefer-binary'
  | '--pre'
  | '--trusted-host'
  | '--require-hashes'
  | '--hash';

/** Every option pip 23.2 allows in a requirements file, minus `--use-feature`, `--global-option`, `--config-settings`. */
const TAKES_VALUE: Record<OptionName, boolean> = {
  '--requirement': true,
  '--constraint': true,
  '--editable': true,
  '--index-url': true,
  '--extra-index-url': true,
  '--no-index': false,
  '--find-links': true,
  '--no-binary': true,
  '--only-binary': true,
  '--prefer-binary': false,
  '--pre': false,
  '--trusted-host': true,
  '--require-hashes': false,
  '--hash': true,
};
/** The options of pip's FormatControl, which apply file-wide also on a requirement line. */
const FORMAT_OPTIONS: ReadonlySet<OptionName> = new Set(['--no-binary', '--only-binary']);

const ALIASES: Record<string, OptionName> = {
  '-r': '--requirement',
  '-c': '--constraint',
  '-e': '--editable',
  '-i': '--index-url',
  '--pypi-url': '--index-url',
  '-f': '--find-links',
};

function optionName(written: string): OptionName | null {
  if (Object.hasOwn(TAKES_VALUE, written)) return written as OptionName;
  return Object.hasOwn(ALIASES, written) ? ALIASES[written]! : null;
}

interface LineOption {
  readonly name: OptionName;
  /** The option as written (`-r`, `--requirement`), for messages. */
  readonly written: string;
  /** Null for flags. */
  readonly value: string | null;
}

/**
 * Splits a logical line into its requirement text and its options as pip's `break_args_options`
 * does: at the first space-separated word that starts with `-`. Only spaces separate there, so
 * `foo==1.0<TAB>--hash=…` is one (invalid) requirement to pip; it is refused here with that reason.
 */
function splitLine(text: string, source: SourceLocation): { argument: string; options: LineOption[] } {
  const words = text.split(' ');
  const start = words.findIndex((word) => word.startsWith('-'));
  const argument = (start === -1 ? words : words.slice(0, start)).join(' ').trim();
  // One white-space character before the `-` suffices (a run before it would backtrack quadratically).
  const other = /[^\S ](-\S*)/.exec(argument);
  if (other) {
    throw new InputFileError(
      source,
      `${quote(other[1]!)} follows a tab or other white space that is not a space: pip separates options from the requirement by spaces only, and would read it as part of the requirement; put a space before it`,
    );
  }
  return { argument, options: start === -1 ? [] : parseOptions(words.slice(start).join(' '), source) };
}

function parseOptions(text: string, source: SourceLocation): LineOption[] {
  let words: string[];
  try {
    // Python's shlex.split, which pip uses for the options part.
    words = shlex().split(text);
  } catch {
    throw new InputFileError(source, `cannot split options ${quote(text)}: unbalanced quotes or trailing backslash`);
  }
  const options: LineOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      throw new InputFileError(source, `unexpected ${quote(word)} after options`);
    }
    let written: string;
    let attached: string | null;
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      written = equals === -1 ? word : word.slice(0, equals);
      attached = equals === -1 ? null : word.slice(equals + 1);
    } else {
      // A short option's value may be glued to it: `-rbase.txt`.
      written = word.slice(0, 2);
      attached = word.length > 2 ? word.slice(2) : null;
    }
    const name = optionName(written);
    if (name === null) throw new InputFileError(source, `unsupported option ${shorten(written)}`);
    if (!TAKES_VALUE[name]) {
      if (attached !== null) throw new InputFileError(source, `option ${shorten(written)} takes no value`);
      options.push({ name, written, value: null });
      continue;
    }
    let value = attached;
    if (value === null) {
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      }
    }
    if (value === null || value === '') throw new InputFileError(source, `option ${shorten(written)} needs a value`);
    options.push({ name, written, value });
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Requirements
// ---------------------------------------------------------------------------------------------

/** The schemes pip treats as URLs (`is_url`): web, file and version control. */
const URL_SCHEME = /^(?:https?|file|ftp|(?:git|hg|svn|bzr)(?:\+[a-z-]+)?):/i;
/** Any `scheme://` address, including those pip does not know. */
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** pip's archive file extensions (`is_archive_file`). */
const ARCHIVE_EXTENSIONS = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma', '.tar.gz', '.tgz', '.tar'];
const STRONG_HASH = /^(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/i;

function isUrl(text: string): boolean {
  return URL_SCHEME.test(text);
}

function hasArchiveExtension(text: string): boolean {
  const lower = text.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function hashesOf(options: readonly LineOption[], source: SourceLocation): string[] {
  return options
    .filter((option) => option.name === '--hash')
    .map((option) => {
      const value = option.value!;
      if (!STRONG_HASH.test(value)) {
        throw new InputFileError(
          source,
          `invalid ${shorten(option.written)} value ${quote(value)}: expected sha256:, sha384: or sha512: followed by the hex digest`,
        );
      }
      return value;
    });
}

/**
 * Classifies the requirement text of a line: PEP 508, else a location, else conda-style. Only
 * `--hash` may accompany it (pip ignores the other options there, which would surprise).
 */
function requirementLine(
  text: string,
  options: readonly LineOption[],
  source: SourceLocation,
  baseDir: LocalBase,
): RequirementLine {
  const misplaced = options.find((option) => option.name !== '--hash');
  if (misplaced) {
    throw new InputFileError(
      source,
      misplaced.name === '--editable'
        ? `option ${misplaced.written} cannot follow a requirement`
        : `option ${misplaced.written} applies to the whole file, not to one requirement: put it on a line of its own`,
    );
  }
  const hashes = hashesOf(options, source);
  let pep508Error: InvalidRequirement;
  try {
    const requirement = parseRequirement(text);
    // pip takes a name ending like an archive (`foo-1.0.tar.gz`) as a file, not a project.
    if (requirement.url === null && requirement.specifier.isEmpty && hasArchiveExtension(requirement.name)) {
      return pathLine(text, hashes, source, baseDir);
    }
    if (requirement.url !== null && isVcsUrl(requirement.url)) throw vcsError(requirement.url, source);
    return { kind: 'requirement', requirement, hashes, source };
  } catch (error) {
    if (!(error instanceof InvalidRequirement)) throw error;
    pep508Error = error;
  }
  const pytz = pytzAnyVersion(text);
  if (pytz) return { kind: 'requirement', requirement: pytz, hashes, source };
  if (looksLikeLocation(text)) return pathLine(text, hashes, source, baseDir);
  const conda = parseCondaLine(text);
  if (conda) return { kind: 'conda', ...conda, hashes, source };
  throw explainRequirementError(pep508Error).at(source);
}

/** Whether requirement text PEP 508 refused names a file or URL rather than a project. */
function looksLikeLocation(text: string): boolean {
  if (isUrl(text)) return true;
  const withoutMarker = text.split(';', 1)[0]!.trim();
  const at = withoutMarker.indexOf('@');
  // `name @ url` is a requirement (a broken one, since PEP 508 refused it), whatever the URL is.
  const head = at === -1 ? withoutMarker : withoutMarker.slice(0, at);
  if (head.startsWith('.') || head.startsWith('/') || head.includes('/')) return true;
  return at === -1 && hasArchiveExtension(withoutTrailingExtras(withoutMarker));
}

/**
 * `x.tar.gz[a,b]` → `x.tar.gz`: drops a trailing `[…]` holding no `]`, from its first `[` (what
 * `/\[[^\]]*\]$/` removes, found without its quadratic backtracking over runs of `[`).
 */
function withoutTrailingExtras(text: string): string {
  if (!text.endsWith(']')) return text;
  const open = text.indexOf('[', text.lastIndexOf(']', text.length - 2) + 1);
  return open === -1 || open === text.length - 1 ? text : text.slice(0, open);
}

/** pip's version-control schemes (`git+https:`, `hg+ssh:`, `svn:`, …). */
const VCS_URL = /^(?:git|hg|svn|bzr)(?:\+[a-z-]+)?:/i;

function isVcsUrl(url: string): boolean {
  return VCS_URL.test(url);
}

/**
 * A version-control requirement is refused: the Nix library fetches files by URL and hash, and a
 * pinned checkout needs a commit, which mach-nix cannot find out without the network.
 */
function vcsError(url: string, source: SourceLocation): InputFileError {
  return new InputFileError(
    source,
    `${shorten(url)}: version-control requirements are not supported; fetch the project pinned by its commit and build it, e.g. ` +
      'packagesExtra = [ (buildPythonPackage { src = builtins.fetchGit { url = "…"; rev = "<commit>"; }; }) ]',
  );
}

/** pip's `Link.egg_fragment`: the value of `#egg=` or `&egg=`. */
const EGG_FRAGMENT = /[#&]egg=([^&]*)/;

/**
 * A bare URL line as pip's `parse_req_from_line` names it: a wheel by its file name, anything else
 * by its `#egg=name[extras]` fragment (extras kept, as pip keeps them); a `file:` URL is a local
 * file. Null for a local file; an unnamed web URL is refused, since only its contents would tell.
 */
function namedUrl(location: string, marker: Marker | null, hashes: string[], source: SourceLocation): PypiRequirementLine | null {
  if (/^file:/i.test(location)) return null;
  if (isVcsUrl(location)) throw vcsError(location, source);
  const filename = decodeURIComponent(location.split(/[?#]/, 1)[0]!.split('/').at(-1) ?? '');
  let name: string | null = null;
  const egg = EGG_FRAGMENT.exec(location)?.[1];
  if (filename.toLowerCase().endsWith('.whl')) {
    try {
      name = parseWheelFilename(filename).name;
    } catch (error) {
      if (!(error instanceof InvalidWheelFilename)) throw error;
      throw error.at(source);
    }
  } else if (egg !== undefined && egg !== '') {
    name = decodeURIComponent(egg);
  }
  if (name === null) {
    throw new InputFileError(source, `${shorten(location)}: cannot tell which project this URL holds without downloading it; write \`name @ ${shorten(location)}\``);
  }
  const markerText = marker === null ? '' : ` ; ${marker}`;
  try {
    return { kind: 'requirement', requirement: parseRequirement(`${name} @ ${location}${markerText}`), hashes, source };
  } catch (error) {
    if (error instanceof InvalidRequirement) throw new InputFileError(source, `invalid #egg= fragment ${quote(egg ?? "")} of ${shorten(location)}: ${error.reason}`);
    throw error;
  }
}

function pathLine(text: string, hashes: string[], source: SourceLocation, baseDir: LocalBase): PathLine | PypiRequirementLine {
  // pip's marker separator: "; " after a URL (which may contain `;`), ";" after a path.
  const separator = isUrl(text) ? '; ' : ';';
  const markerAt = text.indexOf(separator);
  const location = (markerAt === -1 ? text : text.slice(0, markerAt)).trim();
  const markerText = markerAt === -1 ? '' : text.slice(markerAt + separator.length).trim();
  let marker: Marker | null = null;
  if (markerText !== '') {
    try {
      marker = Marker.parse(markerText);
    } catch (error) {
      if (error instanceof InvalidMarker) throw error.at(source);
      throw error;
    }
  }
  if (isUrl(location)) return namedUrl(location, marker, hashes, source) ?? { kind: 'path', target: location, extras: [], marker, hashes, source };
  const { target, extras } = splitExtras(location, source);
  return { kind: 'path', target: localPath(target, baseDir, source), extras, marker, hashes, source };
}

/** A line of options only, one of which is `-e`: nothing else may accompany it. */
function editableLine(options: readonly LineOption[], source: SourceLocation, baseDir: LocalBase): EditableLine {
  if (!options.some((option) => option.name === '--editable')) {
    throw new InputFileError(source, `option ${options[0]!.written} needs a requirement on the same line`);
  }
  if (options.length !== 1) {
    const other = options.find((option) => option.name !== '--editable') ?? options[1]!;
    throw new InputFileError(source, `option ${other.written} cannot be combined with an editable requirement`);
  }
  const value = options[0]!.value!;
  if (isUrl(value)) return { kind: 'editable', target: value, extras: [], source };
  const { target, extras } = splitExtras(value, source);
  return { kind: 'editable', target: localPath(target, baseDir, source), extras, source };
}

/** `./pkg[a,b]` → `./pkg` and `[a, b]` (pip's `_strip_extras`). */
function splitExtras(location: string, source: SourceLocation): { target: string; extras: string[] } {
  // `/^(.+)\[([^\]]+)\]$/` without its backtracking: the last `[`, with no `]` after it but the final one.
  const open = location.lastIndexOf('[');
  const inner = location.slice(open + 1, -1);
  if (!location.endsWith(']') || open < 1 || inner === '' || inner.includes(']') || /[\n\r\u2028\u2029]/.test(location.slice(0, open))) {
    return { target: location, extras: [] };
  }
  const extras = inner.split(',').map((extra) => extra.trim());
  const invalid = extras.find((extra) => !isValidName(extra));
  if (invalid !== undefined) throw new InputFileError(source, `invalid extra name ${quote(invalid)} in ${shorten(location)}`);
  return { target: location.slice(0, open), extras: [...new Set(extras)].sort() };
}

/** A local path relative to `baseDir`, normalised (`path.join`, as pip joins included files). */
function resolvePath(target: string, baseDir: string | null, source: SourceLocation): string {
  if (path.isAbsolute(target)) return path.normalize(target);
  if (baseDir === null) {
    throw new InputFileError(source, `cannot resolve relative path ${shorten(target)}: the requirements do not come from a file and no base directory was given`);
  }
  return path.join(baseDir, target);
}

/**
 * A local path of a requirement (see `LocalBase`), normalised. A relative one keeps a leading `./`,
 * so it never reads as a project name.
 */
function localPath(target: string, baseDir: LocalBase, source: SourceLocation): string {
  if (baseDir !== WORKING_DIRECTORY || path.isAbsolute(target)) return resolveLocalPath(target, baseDir === WORKING_DIRECTORY ? null : baseDir, source);
  const normalised = path.normalize(target);
  if (normalised === '.' || normalised === '..' || normalised.startsWith('../')) return normalised;
  return `./${normalised}`;
}

/** A local path as a result: a relative one keeps a leading `./`, so it never reads as a project name. */
function resolveLocalPath(target: string, baseDir: string | null, source: SourceLocation): string {
  const resolved = resolvePath(target, baseDir, source);
  if (path.isAbsolute(resolved) || resolved === '.' || resolved === '..' || resolved.startsWith('../')) return resolved;
  return `./${resolved}`;
}
