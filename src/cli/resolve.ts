/**
 * `mach-nix resolve`: resolves requirements for a target against the dependency data and prints
 * the dependency tree, or with `--json` the resolution document. With `--request FILE` it answers
 * the Nix library's resolve request instead (what runs inside the import-from-derivation): the
 * document is always written — a failure becomes a failure document, so that Nix can throw the
 * explanation — and only problems with the data themselves end in a non-zero exit. The data is
 * the pinned data (`--deps-db`) or, without it, package indexes, as for `mach-nix lock`; a request
 * naming its `index` is answered from those indexes.
 */
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { readInputs, readRequirementsText } from '../inputs.js';
import { type Answer, answer, answerDocument } from '../lock/answer.js';
import { documentText, writeDocument } from '../lock/document.js';
import { nixpkgsReach, reachText, readStringList, writeReach } from '../lock/nixpkgs-reach.js';
import { readRequestFile } from '../lock/request.js';
import { resolve } from '../resolve.js';
import { parseTarget } from '../target.js';
import { deferOptions } from './deferred-options.js';
import type { RegisterCommands } from './io.js';
import {
  type DataFlags,
  type IndexFlags,
  type ProviderFlags,
  type TargetFlags,
  addDataOptions,
  addIndexOptions,
  addProviderOptions,
  addTargetOptions,
  collect,
  extendData,
  httpFlags,
  openData,
  openIndexSession,
  providersJson,
  reportIndexSession,
  targetFromFlags,
  usesPinnedData,
} from './options.js';
import { formatTree } from './tree.js';

interface ResolveFlags extends TargetFlags, DataFlags, IndexFlags, ProviderFlags {
  requirement: string[];
  extra: string[];
  group: string[];
  json?: boolean;
  buildSystem?: boolean;
  request?: string;
  out?: string;
  nixpkgsReach?: string;
  extraRoots?: string;
}

export const registerResolveCommand: RegisterCommands = (program, io) => {
  const command = new Command('resolve')
    .description('resolve requirements for a target Python and platform; prints the dependency tree or the resolution JSON')
    .argument('[requirement...]', 'requirement strings, e.g. "requests>=2"');
  deferOptions(command, () => {
    command
      .option('-r, --requirement <file>', 'a requirements.txt, pyproject.toml or environment.yml file (repeatable)', collect, [])
      .option('--extra <name>', 'an extra of the pyproject.toml project (repeatable)', collect, [])
      .option('--group <name>', 'a PEP 735 dependency group of the pyproject.toml (repeatable)', collect, [])
      .option('--build-system', "resolve the pyproject.toml's [build-system].requires too, as buildPythonPackage does");
    addTargetOptions(command);
    addDataOptions(command);
    addIndexOptions(command);
    addProviderOptions(command);
    command
      .option('--json', 'print the resolution document (schemas/resolution.schema.json)')
      .option('--request <file>', 'answer a resolve request of the Nix library (schemas/resolve-request.schema.json)')
      .option('--out <file>', 'with --request: write the document to this file')
      .option('--nixpkgs-reach <file>', "with --request: instead of resolving, write which names the resolution can reach and which attributes of the python set (this file: a JSON list of its attribute names) may hold those that come from nixpkgs (the Nix library's first step)")
      .option('--extra-roots <file>', 'with --nixpkgs-reach: a JSON list of requirement lines to reach from as well (the requirements of packages of the set)');
  });
  command
    .action(async (requirements: string[], flags: ResolveFlags) => {
      if (flags.extraRoots !== undefined && flags.nixpkgsReach === undefined) throw new UsageError('--extra-roots is an input of --nixpkgs-reach');
      if (flags.nixpkgsReach !== undefined) {
        if (flags.request === undefined) throw new UsageError('--nixpkgs-reach answers a resolve request: give --request');
        const request = readRequestFile(flags.request);
        if (request.index !== undefined) throw new UsageError(`${flags.request} names package indexes (its "index"): --nixpkgs-reach reads the pinned data only`);
        const attributeNames = readStringList(flags.nixpkgsReach, 'the attribute names of the python set');
        const extraRoots = flags.extraRoots === undefined ? [] : readStringList(flags.extraRoots, 'the extra roots');
        const source = openData(flags);
        let reach;
        try {
          reach = nixpkgsReach(request, source, attributeNames, extraRoots);
        } finally {
          source.close();
        }
        if (flags.out) writeReach(flags.out, reach);
        else io.stdout(reachText(reach));
        return;
      }
      if (flags.request !== undefined) {
        const request = readRequestFile(flags.request);
        let outcome: Answer;
        if (request.index === undefined) {
          const source = openData(flags);
          try {
            outcome = answer(request, source);
          } finally {
            source.close();
          }
        } else {
          if (flags.depsDb !== undefined) throw new UsageError(`${flags.request} names package indexes (its "index"): it is answered from them, without --deps-db`);
          const inputs = readRequirementsText(request.requirements, { name: 'requirements' });
          const index = request.index;
          const { IndexSession } = await import('../index/session.js');
          const session = new IndexSession({
            locations: {
              indexUrls: index.indexUrls.map((value) => ({ value, source: flags.request! })),
              findLinks: index.findLinks.map((value) => ({ value, source: flags.request! })),
              trustedHosts: [],
            },
            target: parseTarget(request),
            offline: flags.offline ?? false,
            refresh: flags.refresh ?? false,
            http: httpFlags(flags),
          });
          const source = extendData(session.source, flags);
          outcome = await session.solve(inputs.requirements, () => answer(request, source));
        }
        const document = answerDocument(outcome);
        if (flags.out) writeDocument(flags.out, document);
        else io.stdout(documentText(document));
        return;
      }
      const target = parseTarget(targetFromFlags(flags));
      const inputs = readInputs({ files: flags.requirement, requirements, extras: flags.extra, groups: flags.group });
      if (inputs.requirements.length === 0) throw new UsageError('nothing to resolve: give requirements or -r FILE');
      const options = {
        inputs,
        target,
        providers: providersJson(flags.providers, '--providers') ?? {},
        providerDefaults: providersJson(flags.providerDefaults, '--provider-defaults') ?? null,
        cudaVersion: flags.cuda ?? null,
        buildSystem: flags.buildSystem ?? false,
      };
      let resolution;
      if (usesPinnedData(flags)) {
        const source = openData(flags);
        try {
          resolution = resolve({ source, ...options }).resolution;
        } finally {
          source.close();
        }
      } else {
        const session = await openIndexSession(flags, inputs.options.given, target, io);
        const source = extendData(session.source, flags);
        const roots = options.buildSystem ? [...inputs.requirements, ...inputs.buildRequirements] : inputs.requirements;
        resolution = (await session.solve(roots, () => resolve({ source, ...options }))).resolution;
        reportIndexSession(session, flags, io);
      }
      io.stdout(flags.json ? documentText(resolution) : formatTree(resolution));
    });
  program.addCommand(command);
};
