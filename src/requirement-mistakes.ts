/**
 * What is wrong with a requirement PEP 508 refused, in the words of someone who wrote it: the
 * common slips in its version part (`flask>=`, `numpy~=1`, `requests>>2`, a marker without `;`),
 * instead of the parser's "expected semicolon … at position 6". Only the user's own requirements
 * (files, strings, pyproject.toml) are explained so; the parser's reason stays where nothing here
 * recognises the mistake.
 */
import { InvalidRequirement } from './errors.js';
import { tryParseVersion } from './pep440.js';

const OPERATORS = ['===', '==', '~=', '!=', '<=', '>=', '<', '>'];

/** What a mistyped operator most likely meant. */
const MEANT: Record<string, string[]> = {
  '>>': ['>=', '>'],
  '<<': ['<=', '<'],
  '=>': ['>='],
  '=<': ['<='],
  '>==': ['>='],
  '<==': ['<='],
  '!': ['!='],
  '=!': ['!='],
  '!==': ['!='],
  '<>': ['!='],
  '~': ['~='],
  '=~': ['~='],
  '~==': ['~='],
  '====': ['==='],
};

const NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*/;
const MARKER_START = /^(?:python_version|python_full_version|os_name|sys_platform|platform_|implementation_|extra\b)/;

const code = (text: string) => `\`${text}\``;

/** The mistake in `text`, said plainly; null when it is none of the common ones. */
export function requirementMistake(text: string): string | null {
  const head = NAME.exec(text);
  if (head === null) return null;
  const name = head[1]!;
  const rest = text.slice(head[0].length);
  if (rest === '' || rest.startsWith('@') || rest.startsWith(';')) return null;
  const afterName = text[head.index + head[1]!.length];
  if (head[2] === undefined && afterName !== undefined && !/[\s<>=!~(\[,;@]/.test(afterName)) {
    return `${code(afterName)} cannot be in a package name (letters, digits, ${code('.')}, ${code('_')} and ${code('-')})`;
  }
  let specifier = rest.split(';', 1)[0]!.trim();
  // `( … )` unwrapped; the trim before `)` is `trimEnd`, since `/\s*\)$/` backtracks quadratically
  // over a long run of white space.
  if (specifier.startsWith('(')) {
    specifier = specifier.slice(1).trimStart();
    if (specifier.endsWith(')')) specifier = specifier.slice(0, -1).trimEnd();
  }
  if (specifier.startsWith(',')) {
    return `one requirement names one package: write ${specifier.slice(1).trim() || 'the next one'} on a line of its own`;
  }
  for (const clause of specifier.split(',').map((c) => c.trim()).filter((c) => c !== '')) {
    const match = /^([<>=!~]+)\s*(.*)$/.exec(clause);
    if (match === null) return null;
    const [, operator, written] = match as unknown as [string, string, string];
    // `=` is conda's operator (`openjdk =8`): a line with it is a conda-style line gone wrong.
    if (operator === '=') return null;
    if (!OPERATORS.includes(operator)) {
      const meant = MEANT[operator];
      return meant
        ? `${code(operator)} is not an operator; did you mean ${meant.map(code).join(' or ')}?`
        : `${code(operator)} is not an operator: use one of ${OPERATORS.map(code).join(', ')}`;
    }
    const [version = '', ...after] = written.split(/\s+/);
    if (version === '') return `${code(operator)} needs a version, e.g. ${code(`${name}${operator}1.0`)}`;
    if (after.length > 0) {
      const trailing = after.join(' ');
      return MARKER_START.test(trailing)
        ? `an environment marker follows a ${code(';')}: write ${code(`${name}${operator}${version}; ${trailing}`)}`
        : `${code(trailing)} cannot follow the version ${code(version)}: separate clauses with ${code(',')}`;
    }
    if (operator === '===') continue;
    const wildcard = version.endsWith('.*');
    if (wildcard && operator !== '==' && operator !== '!=') {
      return operator === '~='
        ? `${code('~=')} takes no ${code('.*')}: write ${code(`${name}~=${version.slice(0, -2)}.0`)} or ${code(`${name}==${version}`)}`
        : `${code('.*')} only follows ${code('==')} or ${code('!=')}: write ${code(`${name}==${version}`)}`;
    }
    if (tryParseVersion(wildcard ? version.slice(0, -2) : version) === null) {
      return `${code(version)} is not a version: versions are numbers such as 1.0, 2.1.3 or 1.0rc1 (PEP 440)`;
    }
    const release = /^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version)?.[1] ?? '';
    if (operator === '~=' && !release.includes('.')) {
      return `${code('~=')} needs at least two release numbers: ${code(`${name}~=${release}.0`)} means >=${release}.0 and ==${release}.*`;
    }
  }
  return null;
}

/** The error with its reason replaced by the plain one, when there is one. */
export function explainRequirementError(error: InvalidRequirement): InvalidRequirement {
  const mistake = requirementMistake(error.text);
  return mistake === null ? error : new InvalidRequirement(error.text, mistake, error.location);
}
