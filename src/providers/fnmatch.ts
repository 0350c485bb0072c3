/**
 * Shell-style pattern matching of conda build strings (`py37_*`, `*openblas`, `mpi_mpich_?`) with
 * the semantics of Python's `fnmatch.fnmatchcase`, which mach-nix (and conda) used: `*` any run,
 * `?` one character, `[seq]`/`[!seq]` a character class; everything else, `\` included, literal.
 *
 * Not picomatch or minimatch: they match paths (`/` separates, `\` escapes, braces and extglobs
 * are special), where fnmatchcase has none of that. The class rules are CPython's `translate`: a
 * `]` right after `[` or `[!` is a member, not the end; a class without an end is a literal `[`;
 * `-` between two members is a range, anywhere else a member; a range whose ends are reversed
 * (`z-a`) is empty; an empty class matches nothing and `[!]`-style negation of nothing matches any
 * character. `tests/providers/fnmatch.test.ts` compares with answers CPython gave.
 */
import { boundedCache } from '../bounded-cache.js';

/** Build-string patterns are few and reused for every conda candidate. */
const compiled = boundedCache<string, RegExp>(1000);

export function fnmatch(text: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${translate(pattern)}$`, 'u');
    compiled.set(pattern, regex);
  }
  return regex.test(text);
}

const ANY = '[\\s\\S]';

function codePoint(character: string): string {
  return `\\u{${character.codePointAt(0)!.toString(16)}}`;
}

/** The pattern as a regular expression source (flag `u`), code point by code point. */
function translate(pattern: string): string {
  const chars = [...pattern];
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (!source.endsWith(`${ANY}*`)) source += `${ANY}*`;
    } else if (ch === '?') {
      source += ANY;
    } else if (ch === '[') {
      let end = i + 1;
      if (chars[end] === '!') end++;
      if (chars[end] === ']') end++;
      while (end < chars.length && chars[end] !== ']') end++;
      if (end >= chars.length) {
        source += codePoint('[');
        continue;
      }
      source += characterClass(chars.slice(i + 1, end));
      i = end;
    } else {
      source += codePoint(ch);
    }
  }
  return source;
}

/** A class body (between `[` and its `]`) as a regular expression. */
function characterClass(body: string[]): string {
  const negated = body[0] === '!';
  const members = negated ? body.slice(1) : body;
  const ranges: string[] = [];
  for (let i = 0; i < members.length; ) {
    const low = members[i]!;
    if (members[i + 1] === '-' && i + 2 < members.length) {
      const high = members[i + 2]!;
      if (low.codePointAt(0)! <= high.codePointAt(0)!) ranges.push(`${codePoint(low)}-${codePoint(high)}`);
      i += 3;
    } else {
      ranges.push(codePoint(low));
      i += 1;
    }
  }
  if (ranges.length === 0) return negated ? ANY : '(?!)';
  return `[${negated ? '^' : ''}${ranges.join('')}]`;
}
