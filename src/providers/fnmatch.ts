/**
 * Shell-style pattern matching of conda build strings (`py37_*`, `*openblas`, `mpi_mpich_?`),
 * as Python's `fnmatch.fnmatchcase`, which mach-nix used: `*` any run, `?` one character,
 * `[seq]`/`[!seq]` a character class; everything else literal.
 */
const compiled = new Map<string, RegExp>();

export function fnmatch(text: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else if (ch === '[') {
        const end = pattern.indexOf(']', i + 2);
        if (end === -1) source += '\\[';
        else {
          let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
          if (body.startsWith('!')) body = `^${body.slice(1)}`;
          source += `[${body}]`;
          i = end;
        }
      } else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`);
    compiled.set(pattern, regex);
  }
  return regex.test(text);
}
