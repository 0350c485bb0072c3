/**
 * The `requirements` text mkPython gets, made from what a user names on the command line
 * (`mach-nix lock`, `env`, `gen`): one requirements.txt or environment.yml is taken as its exact
 * content (`requirements = builtins.readFile ./requirements.txt`); requirement strings, a
 * pyproject.toml (its dependencies, chosen extras and dependency groups) or several files become
 * their requirements one per line. Everything is read as files first, so mistakes are reported
 * at their file and line; what a requirements text cannot carry — local projects, included files —
 * is refused here, saying what to write instead.
 */
import { basename, extname, resolve as resolvePath } from 'node:path';
import { InputFileError, UsageError, formatLocation } from '../errors.js';
import { type InputSpec, type Inputs, readInputs, requirementLineText } from '../inputs.js';
import type { Target } from '../target.js';
import { readUtf8File } from '../utf8-text.js';

export interface RequirementsText {
  /** What mkPython's `requirements` must be for the lock to answer it. */
  readonly text: string;
  /** True when `text` is one file's content as it is (else it was made from the inputs). */
  readonly verbatim: boolean;
  readonly inputs: Inputs;
}

type FileKind = 'pyproject' | 'environment' | 'requirements';

function kindOf(file: string): FileKind {
  const name = basename(file);
  if (name === 'pyproject.toml' || extname(name) === '.toml') return 'pyproject';
  if (['.yml', '.yaml'].includes(extname(name))) return 'environment';
  return 'requirements';
}

/** pyproject.toml's `requires-python` against the Python resolved for (the text cannot carry it). */
export function checkRequiresPython(inputs: Inputs, python: string): void {
  for (const { specifier, source } of inputs.requiresPython) {
    if (!specifier.contains(python, { prereleases: true })) {
      throw new InputFileError(source, `requires-python ${JSON.stringify(specifier.toString())} excludes the target Python ${python}: lock for a Python it allows (--python)`);
    }
  }
}

/** The text for the inputs; `target` null when the Python is known only later (env, gen). */
export function requirementsText(spec: InputSpec, target: Target | null): RequirementsText {
  const files = spec.files ?? [];
  const strings = spec.requirements ?? [];
  if (files.length === 0 && strings.length === 0) throw new UsageError('no requirements: give requirement strings or -r FILE');
  const inputs = readInputs(spec);
  refuseLocalProjects(inputs);
  if (target !== null) checkRequiresPython(inputs, target.python.full);
  const kinds = files.map(kindOf);
  if (kinds.includes('environment') && files.length + strings.length > 1) {
    throw new UsageError('an environment.yml is the whole of mkPython\'s requirements: give it alone, without other files or requirement strings');
  }
  const included = inputs.files.filter((file) => !files.some((named) => resolvePath(named) === resolvePath(file)));
  if (included.length > 0) {
    throw new InputFileError(
      { file: included[0]! },
      "is included with -r or -c, which mkPython's requirements text cannot do (it has no folder to find files in): write its lines into the file you give, or give the files one by one with -r",
    );
  }
  if (files.length === 1 && strings.length === 0 && kinds[0] !== 'pyproject') {
    return { text: readUtf8File(files[0]!), verbatim: true, inputs };
  }
  const parts = files.map((file, i) =>
    kinds[i] === 'requirements'
      ? readUtf8File(file).replace(/\n?$/, '\n')
      : inputs.requirements.filter((line) => line.source.file === file).map((line) => `${requirementLineText(line)}\n`).join(''),
  );
  return { text: [...parts, ...strings.map((text) => `${text}\n`)].join(''), verbatim: false, inputs };
}

/**
 * Local paths and editable installs (resolved against the working directory, as pip does) cannot
 * be in mkPython's requirements: it takes local projects with packagesExtra.
 */
function refuseLocalProjects(inputs: Inputs): void {
  const local = inputs.requirements.filter((line) => line.kind === 'editable' || line.kind === 'path');
  const [first] = local;
  if (first === undefined || (first.kind !== 'editable' && first.kind !== 'path')) return;
  const written = requirementLineText(first);
  const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(first.target);
  const where = isUrl ? '' : ` (${resolvePath(first.target)})`;
  const others = local.length > 1 ? ` (and ${local.slice(1).map((line) => formatLocation(line.source)).join(', ')})` : '';
  throw new InputFileError(
    first.source,
    `${written} is a local project${where}, which mkPython's requirements cannot hold${others}: remove the line and give the project to mkPython with packagesExtra = [ ${isUrl ? JSON.stringify(first.target) : first.target} ]; ` +
      "a lock of such an environment is its `lock` attribute (nix build <env>.lock), which resolves the project's requirements too",
  );
}
