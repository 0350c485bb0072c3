/**
 * `mach-nix graph`: the dependency graph of a lock as the source of a picture — Graphviz dot,
 * Mermaid, or JSON — in a fixed order (packages and edges sorted by name), so equal locks give
 * byte-identical output. Runtime dependencies are solid edges, build-only ones dashed, the edges
 * left out to break a cycle dotted; the packages asked for are drawn bold.
 */
import { Command, Option } from 'commander';
import type { Resolution } from '../generated/resolution.js';
import { readResolution } from '../lock/document.js';
import { deferOptions } from './deferred-options.js';
import type { RegisterCommands } from './io.js';

export interface Graph {
  nodes: { name: string; version: string; provider: string; root: boolean }[];
  edges: { from: string; to: string; kind: 'runtime' | 'build' | 'cycle' }[];
}

export function graphOf(resolution: Resolution): Graph {
  const names = Object.keys(resolution.packages).sort();
  const nodes = names.map((name) => {
    const p = resolution.packages[name]!;
    return { name, version: p.version, provider: p.provider, root: p.root };
  });
  const edges: Graph['edges'] = [];
  for (const name of names) {
    const p = resolution.packages[name]!;
    const kinds: [Graph['edges'][number]['kind'], readonly string[]][] = [
      ['runtime', p.dependencies ?? []], ['build', p.buildDependencies ?? []], ['cycle', p.cycleDependencies],
    ];
    for (const [kind, targets] of kinds) for (const to of [...targets].sort()) edges.push({ from: name, to, kind });
  }
  return { nodes, edges };
}

/** A dot ID: a double-quoted string, `"` and `\` escaped. */
const dotId = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export function toDot(graph: Graph): string {
  const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];'];
  for (const node of graph.nodes) {
    // `\n` in a dot label is its line break; the parts are escaped on their own.
    const label = `${dotId(`${node.name} ${node.version}`).slice(0, -1)}\\n${dotId(node.provider).slice(1)}`;
    lines.push(`  ${dotId(node.name)} [label=${label}${node.root ? ', style=bold' : ''}];`);
  }
  const style = { runtime: '', build: ' [style=dashed]', cycle: ' [style=dotted]' };
  for (const edge of graph.edges) lines.push(`  ${dotId(edge.from)} -> ${dotId(edge.to)}${style[edge.kind]};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid: nodes get plain IDs (n0, n1, …); labels are quoted, with `"` as Mermaid's entity. */
export function toMermaid(graph: Graph): string {
  const id = new Map(graph.nodes.map((node, i) => [node.name, `n${i}`]));
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['graph LR'];
  for (const node of graph.nodes) {
    const text = label(`${node.name} ${node.version}<br>${node.provider}`);
    lines.push(`  ${id.get(node.name)}${node.root ? `[[${text}]]` : `[${text}]`}`);
  }
  const arrow = { runtime: '-->', build: '-.->', cycle: '-. cycle .->' };
  for (const edge of graph.edges) lines.push(`  ${id.get(edge.from)} ${arrow[edge.kind]} ${id.get(edge.to)}`);
  return `${lines.join('\n')}\n`;
}

export const registerGraphCommand: RegisterCommands = (program, io) => {
  const command = new Command('graph').description(
    'the dependency graph of a lock, as Graphviz dot, Mermaid or JSON (runtime edges solid, build-only dashed, cycle-breaking dotted)',
  );
  deferOptions(command, () =>
    command
      .option('--lock <file>', 'the lock file, resolve --json output, or a mach-nix env folder', 'mach-nix.lock.json')
      .addOption(new Option('--format <format>', 'the output format').choices(['dot', 'mermaid', 'json']).default('dot')),
  );
  program.addCommand(
    command.action((flags: { lock: string; format: 'dot' | 'mermaid' | 'json' }) => {
        const graph = graphOf(readResolution(flags.lock));
        io.stdout(flags.format === 'dot' ? toDot(graph) : flags.format === 'mermaid' ? toMermaid(graph) : `${JSON.stringify(graph, null, 2)}\n`);
      }),
  );
};
