/**
 * Nix text the CLI emits (`mach-nix gen`, `mach-nix env`): strings, attribute names and plain
 * values written so that Nix reads back exactly what was meant, whatever a package name, a URL or a
 * user's string contains — no antiquotation (`${`), no broken quote, no injected code.
 *
 * Rules (Nix's lexer, `src/libexpr/lexer.l`): in a double-quoted string `\` escapes the next
 * character, `\n`, `\r` and `\t` are those characters, and `${` starts an antiquotation — so `"`,
 * `\` and every `$` are written escaped, and newline, carriage return and tab as their escapes.
 * Nix strings cannot hold NUL at all, which is refused. An attribute name is written bare when it
 * is an identifier and not a keyword, else as a string.
 */
import { MachNixError } from '../errors.js';

/** A Nix double-quoted string literal meaning exactly `text`. */
export function nixString(text: string): string {
  if (text.includes('\0')) throw new MachNixError(`cannot write ${JSON.stringify(text)} as Nix: Nix strings cannot contain NUL`);
  return `"${text.replace(/[\\"$\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}

/** Nix's identifier: `[a-zA-Z_][a-zA-Z0-9_'-]*`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
/** Words the lexer takes as keywords, which a bare attribute name cannot be. */
const KEYWORDS = new Set(['assert', 'else', 'if', 'in', 'inherit', 'let', 'or', 'rec', 'then', 'with']);

/** An attribute name: bare when Nix reads it so (`requests`, `zope-interface`), else quoted (`"1password"`, `"or"`). */
export function nixAttrName(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

/** A JSON-like value as Nix: null, booleans, integers, strings, lists, attribute sets (in the given key order). */
export function nixValue(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new MachNixError(`cannot write ${value} as Nix: only integers are written`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === 'string') return nixString(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[\n${value.map((item) => `${inner}${nixValue(item, inner)}\n`).join('')}${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    return `{\n${entries.map(([key, item]) => `${inner}${nixAttrName(key)} = ${nixValue(item, inner)};\n`).join('')}${indent}}`;
  }
  throw new MachNixError(`cannot write a ${typeof value} as Nix`);
}
