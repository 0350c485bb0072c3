/**
 * `mach-nix why PKG`: why a package is in a resolution — the chain of requirements from what the
 * user asked for down to it, every requirement on it, and why this version and this provider,
 * from what the resolver recorded in the lock (`packages.<name>.why`).
 */
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Package, PackageWhy, Resolution } from '../generated/resolution.js';
import { readResolution } from '../lock/document.js';
import { canonicalizeName } from '../pep503.js';
import { didYouMean, suggestions } from '../suggest.js';
import { deferOptions } from './deferred-options.js';
import type { RegisterCommands } from './io.js';

/** One step of a chain: a package and the requirement that pulled in the next one. */
interface Step {
  readonly package: string;
  readonly version: string;
  /** The requirement on the next step's package; null at the end. */
  readonly requires: string | null;
}

/** A chain from one of the user's requirements down to the package. */
export interface Chain {
  /** The user's requirement it starts from, and where it was written. */
  readonly requirement: string;
  readonly from: string | null;
  readonly steps: readonly Step[];
}

function edges(p: Package): string[] {
  return [...new Set([...(p.dependencies ?? []), ...(p.buildDependencies ?? []), ...p.cycleDependencies])];
}

/** The requirement `child` records from `parent`, when the lock has it. */
function requirementFrom(resolution: Resolution, parent: string, child: string): string | null {
  return resolution.packages[child]?.why?.requiredBy.find((r) => r.package === parent)?.requirement ?? null;
}

/**
 * Where the user asked for a project: the line of the lock's recorded requirements text that
 * names it (`requirements:3`, as mkPython's text is called in messages), when the lock has one.
 */
function placeOf(resolution: Resolution, key: string): string | null {
  const text = (resolution.request as { requirements?: unknown } | undefined)?.requirements;
  if (typeof text !== 'string') return null;
  const index = text.split('\n').findIndex((line) => {
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
    return name !== undefined && canonicalizeName(name) === key;
  });
  return index === -1 ? null : `requirements:${index + 1}`;
}

/** One shortest chain from each root that reaches `target`, in the order of the roots. */
export function chainsTo(resolution: Resolution, target: string): Chain[] {
  const chains: Chain[] = [];
  for (const root of resolution.roots) {
    if (resolution.packages[root] === undefined) continue;
    const previous = new Map<string, string | null>([[root, null]]);
    const queue = [root];
    while (queue.length > 0 && !previous.has(target)) {
      const name = queue.shift()!;
      for (const next of edges(resolution.packages[name]!).sort()) {
        if (!previous.has(next) && resolution.packages[next] !== undefined) {
          previous.set(next, name);
          queue.push(next);
        }
      }
    }
    if (!previous.has(target)) continue;
    const path: string[] = [];
    for (let at: string | null = target; at !== null; at = previous.get(at)!) path.unshift(at);
    const asked = resolution.packages[root]!.why?.requiredBy.find((r) => r.package === null);
    chains.push({
      requirement: asked?.requirement ?? root,
      from: placeOf(resolution, root),
      steps: path.map((name, i) => ({
        package: name,
        version: resolution.packages[name]!.version,
        requires: i + 1 < path.length ? requirementFrom(resolution, name, path[i + 1]!) : null,
      })),
    });
  }
  return chains;
}

function sourceText(p: Package): string {
  const { source } = p;
  switch (source.type) {
    case 'wheel':
      return `${p.provider} ${source.filename}`;
    case 'sdist':
      return `${p.provider} ${source.filename ?? 'sdist'} (metadata of Python key ${source.pythonKey})`;
    case 'nixpkgs':
      return `${p.provider} attribute ${source.attribute}`;
    case 'conda':
      return `${p.provider} ${source.filename}`;
    case 'url':
      return `${source.url}`;
  }
}

function chainText(chain: Chain): string {
  const start = `${chain.from === null ? '' : `${chain.from}: `}${chain.requirement}`;
  const steps = chain.steps.map((step, i) => {
    const here = `${step.package} ${step.version}`;
    if (i + 1 === chain.steps.length) return here;
    return step.requires === null ? here : `${here} needs ${step.requires}`;
  });
  return [start, ...steps].join(' → ');
}

function versionText(p: Package, why: PackageWhy): string[] {
  if (why.skipped.length === 0) {
    return [`this version: the most preferred candidate — the newest version of the first provider that has one (${p.provider})`];
  }
  return [
    `this version: the most preferred candidate that nothing ruled out; more preferred were:`,
    ...why.skipped.map((group) => {
      const more = group.count > group.versions.length ? ` and ${group.count - group.versions.length} more` : '';
      return `  ${group.versions.join(', ')}${more} (${group.provider}): ${group.reason}`;
    }),
  ];
}

function providerText(p: Package, why: PackageWhy): string[] {
  const listed = why.providers.map(({ provider, candidates, rejected }) =>
    `  ${provider}: ${candidates} candidate${candidates === 1 ? '' : 's'}${rejected === null ? '' : `; not candidates: ${rejected}`}${provider === p.provider ? '  ← chosen' : ''}`);
  return [`this provider: ${p.provider}; the providers for ${p.name}, in the order they are preferred:`, ...listed];
}

/** The text `mach-nix why` prints. */
export function whyText(resolution: Resolution, name: string): string {
  const p = resolution.packages[name]!;
  const chains = chainsTo(resolution, name);
  const lines = [`${p.name} ${p.version} — ${sourceText(p)}`];
  if (p.why !== undefined) {
    lines.push('required by:');
    for (const r of p.why.requiredBy) {
      const who = r.package === null ? (r.kind === 'constraint' ? 'your constraints' : (placeOf(resolution, p.name) ?? 'your requirements')) : `${r.package} ${r.version}`;
      lines.push(`  ${who}: ${r.requirement}${r.kind === 'build' ? ' (to build it)' : r.kind === 'constraint' ? ' (a constraint)' : ''}`);
    }
  }
  lines.push('pulled in by:');
  for (const chain of chains) lines.push(`  ${chainText(chain)}`);
  if (p.why === undefined) {
    lines.push('(this lock does not record why this version and provider: it was written by an older mach-nix; write it again with mach-nix lock)');
  } else {
    lines.push(...versionText(p, p.why), ...providerText(p, p.why));
  }
  for (const note of p.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** The package a name means in a resolution, or a usage error with the names it has near it. */
export function packageNamed(resolution: Resolution, written: string, file: string): string {
  const key = canonicalizeName(written.trim());
  if (Object.hasOwn(resolution.packages, key)) return key;
  const near = suggestions(key, Object.keys(resolution.packages));
  throw new UsageError(`${written} is not in the resolution of ${file}${near.length > 0 ? `: ${didYouMean(near)}` : ` (it has ${Object.keys(resolution.packages).length} packages: mach-nix graph lists them)`}`);
}

export const registerWhyCommand: RegisterCommands = (program, io) => {
  const command = new Command('why')
    .description('why a package is in the lock: the chain of requirements that pulled it in, and why this version and this provider')
    .argument('<package>', 'a package of the resolution (any spelling of its name)');
  deferOptions(command, () =>
    command
      .option('--lock <file>', 'the lock file, resolve --json output, or a mach-nix env folder', 'mach-nix.lock.json')
      .option('--json', 'print JSON: the package, its chains and what the resolver recorded'),
  );
  program.addCommand(
    command.action((written: string, flags: { lock: string; json?: boolean }) => {
        const resolution = readResolution(flags.lock);
        const name = packageNamed(resolution, written, flags.lock);
        if (flags.json) {
          const { why = null, ...p } = resolution.packages[name]!;
          io.stdout(`${JSON.stringify({ package: p, chains: chainsTo(resolution, name), why }, null, 2)}\n`);
        } else {
          io.stdout(whyText(resolution, name));
        }
      }),
  );
};
