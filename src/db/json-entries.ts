/**
 * Where each entry of a JSON object's text is, without building the object: name → the span of
 * its value. BucketSource parses and normalises one name of a bucket file instead of all of its
 * thousands (normalising was ten times the cost of JSON.parse, and parsing the whole file held
 * every name in memory).
 *
 * The top level is read as JSON (names, colons, commas); inside a value the scan follows strings
 * and brackets only. A value is validated when its span is parsed (JSON.parse of the slice), so a
 * malformed entry is reported when it is read; the index build (`mach-nix db build`) parses every
 * file whole.
 */

/** The next `"`, `{`, `}`, `[` or `]`: everything else is skipped by the regular expression engine. */
const TOKEN = /["[\]{}]/g;
/** JSON's whitespace (not JavaScript's wider `\\s`). */
const WHITESPACE = /[ \t\n\r]*/y;
/** A number, true, false or null ends at whitespace, a comma or the closing brace. */
const PRIMITIVE_END = /[ \t\n\r,}]/g;

function skipWhitespace(text: string, position: number): number {
  WHITESPACE.lastIndex = position;
  return position + WHITESPACE.exec(text)![0].length;
}

/** Index of the quote that ends the string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** Where the value starting at `start` ends (exclusive), or -1. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') {
    const end = stringEnd(text, start);
    return end === -1 ? -1 : end + 1;
  }
  if (first === '{' || first === '[') {
    let depth = 1;
    let position = start + 1;
    for (;;) {
      TOKEN.lastIndex = position;
      const token = TOKEN.exec(text);
      if (token === null) return -1;
      if (token[0] === '"') {
        const end = stringEnd(text, token.index);
        if (end === -1) return -1;
        position = end + 1;
        continue;
      }
      position = token.index + 1;
      if (token[0] === '{' || token[0] === '[') depth++;
      else if (--depth === 0) return position;
    }
  }
  PRIMITIVE_END.lastIndex = start;
  const end = PRIMITIVE_END.exec(text)?.index ?? -1;
  return end === start ? -1 : end;
}

/**
 * The entries of the top-level object in `text`: each name (decoded) with the start and end of its
 * value's text (a later duplicate name wins, as in JSON.parse). Null when the text is not one
 * object of names and values separated as JSON separates them, whose strings and brackets balance
 * (a truncated file, an array, a bare value): the caller then parses it whole for the error message.
 */
export function jsonObjectEntries(text: string): Map<string, readonly [number, number]> | null {
  const entries = new Map<string, readonly [number, number]>();
  let position = skipWhitespace(text, 0);
  if (text[position] !== '{') return null;
  position = skipWhitespace(text, position + 1);
  if (text[position] === '}') return skipWhitespace(text, position + 1) === text.length ? entries : null;
  for (;;) {
    if (text[position] !== '"') return null;
    const nameEnd = stringEnd(text, position);
    if (nameEnd === -1) return null;
    const raw = text.slice(position + 1, nameEnd);
    const name = raw.includes('\\') ? (JSON.parse(text.slice(position, nameEnd + 1)) as string) : raw;
    position = skipWhitespace(text, nameEnd + 1);
    if (text[position] !== ':') return null;
    const start = skipWhitespace(text, position + 1);
    const end = valueEnd(text, start);
    if (end === -1) return null;
    entries.set(name, [start, end]);
    position = skipWhitespace(text, end);
    if (text[position] === ',') {
      position = skipWhitespace(text, position + 1);
    } else if (text[position] === '}') {
      return skipWhitespace(text, position + 1) === text.length ? entries : null;
    } else {
      return null;
    }
  }
}
