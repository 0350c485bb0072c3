/**
 * The INI dialect of Python's `configparser.RawConfigParser` with its defaults, which is how pip
 * reads pip.conf: `[section]` headers, `key = value` or `key: value` (key stripped and lower
 * case, value stripped), full-line `#` and `;` comments, continuation lines indented deeper than
 * their key (joined with a newline; empty lines inside a value kept, trailing ones dropped), and
 * `[DEFAULT]` values inherited by every section. Like configparser's strict mode, an option
 * outside a section or one given twice in a section is an error naming the line.
 *
 * Hand-written because npm's INI parsers do not implement configparser's continuation lines, and
 * pip users write `extra-index-url` lists across several lines.
 */
import { DataError } from '../errors.js';

export type IniSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseIni(text: string, file: string): IniSections {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | null = null;
  let sectionName = '';
  /** The option a continuation line would extend: its key, its lines and its indentation. */
  let current: { key: string; lines: string[]; indent: number } | null = null;
  const finish = () => {
    if (!current || !section) return;
    while (current.lines.length > 1 && current.lines[current.lines.length - 1] === '') current.lines.pop();
    section.set(current.key, current.lines.join('\n'));
    current = null;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    if (stripped === '') {
      if (current) current.lines.push('');
      return;
    }
    if (current && indent > current.indent) {
      current.lines.push(stripped);
      return;
    }
    finish();
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      sectionName = header[1]!;
      if (sections.has(sectionName)) throw new DataError({ file, line }, `section [${sectionName}] appears twice`);
      section = new Map();
      sections.set(sectionName, section);
      return;
    }
    const delimiter = /[=:]/.exec(stripped);
    if (!delimiter || delimiter.index === 0) throw new DataError({ file, line }, `expected "key = value", found ${JSON.stringify(stripped)}`);
    if (!section) throw new DataError({ file, line }, 'an option before the first [section] header');
    const key = stripped.slice(0, delimiter.index).trim().toLowerCase();
    if (section.has(key)) throw new DataError({ file, line }, `option ${JSON.stringify(key)} appears twice in [${sectionName}]`);
    current = { key, lines: [stripped.slice(delimiter.index + 1).trim()], indent };
  });
  finish();
  const defaults = sections.get('DEFAULT');
  sections.delete('DEFAULT');
  if (defaults) {
    for (const options of sections.values()) {
      for (const [key, value] of defaults) if (!options.has(key)) options.set(key, value);
    }
  }
  return sections;
}
