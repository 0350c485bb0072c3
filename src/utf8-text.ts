/**
 * Reading files as UTF-8 text, strictly: bytes that are not UTF-8 (a file saved as Latin-1, one
 * cut in the middle of a character, an overlong or surrogate encoding, binary data) are refused
 * with the file and the line, instead of being replaced by U+FFFD — a replacement would change
 * the text that is parsed and hashed (Nix 2.8 hashes the raw bytes; Nix 2.26 refuses them), so
 * a lock would never match its mkPython call. `nix/util.nix`'s `utf8Problem` finds the same first
 * bad byte with the same expression, for the Nix library.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { NotUtf8DataError, NotUtf8Error } from './errors.js';

/**
 * One well-formed multi-byte UTF-8 sequence (the Unicode Standard's Table 3-7: no overlong form,
 * no surrogate, nothing above U+10FFFF), else one byte of 0x80 and above, which then starts no
 * character. Over bytes as Latin-1 characters (one character per byte). JavaScript takes the
 * first alternative that matches, Nix's POSIX expression the longest: the same here, since a
 * sequence is longer than the one stray byte. A global `exec` finds one short match at a time,
 * like Nix's `builtins.split`.
 */
const SEQUENCE_OR_STRAY =
  /([\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})|[\x80-\xff]/g;

/** Where UTF-8 text goes wrong: a 1-based line, and the 1-based byte of that line. */
export interface Utf8Problem {
  readonly line: number;
  readonly byte: number;
  /** The byte there, e.g. `0xff`. */
  readonly value: string;
}

/** The first byte of `bytes` that starts no UTF-8 character, or null when they are UTF-8 text. */
export function utf8Problem(bytes: Uint8Array): Utf8Problem | null {
  if (isUtf8(bytes)) return null;
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  SEQUENCE_OR_STRAY.lastIndex = 0;
  for (let match = SEQUENCE_OR_STRAY.exec(latin1); match !== null; match = SEQUENCE_OR_STRAY.exec(latin1)) {
    if (match[1] !== undefined) continue;
    const before = latin1.slice(0, match.index).split('\n');
    return { line: before.length, byte: before.at(-1)!.length + 1, value: `0x${latin1.charCodeAt(match.index).toString(16).padStart(2, '0')}` };
  }
  // isUtf8 and the expression are the same definition; reaching this is a bug, not bad input
  throw new Error('utf8Problem: isUtf8 refused bytes that hold no stray byte');
}

/** What is wrong, in the words `nix/util.nix` uses too (less the byte's value: no builtin gives a byte's number). */
function utf8Fault(problem: Utf8Problem): string {
  return `not UTF-8 text: byte ${problem.byte} of the line (${problem.value}) starts no UTF-8 character`;
}

/** Why a user's file is refused, and what to do. */
export function utf8Reason(problem: Utf8Problem): string {
  return `${utf8Fault(problem)}; save it as UTF-8`;
}

/**
 * `bytes` as text; `file` names them in the error (with the line) when they are not UTF-8: a
 * NotUtf8Error for a user's file, a NotUtf8DataError for third-party data (`kind` 'data': a
 * damaged file, a DataError, which the resolver must not take as a mistake in the requirements).
 */
export function decodeUtf8(bytes: Uint8Array, file: string, kind: 'input' | 'data' = 'input'): string {
  const problem = utf8Problem(bytes);
  if (problem !== null && kind === 'data') throw new NotUtf8DataError({ file, line: problem.line }, `${utf8Fault(problem)}: the data file is damaged`);
  if (problem !== null) throw new NotUtf8Error({ file, line: problem.line }, utf8Reason(problem));
  // a byte order mark stays in the text, as Nix's readFile keeps it
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A file's text, refused when it is not UTF-8; errors of reading it are thrown as Node's. */
export function readUtf8File(file: string): string {
  return decodeUtf8(readFileSync(file), file);
}
