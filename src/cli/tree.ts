/**
 * The dependency tree `mach-nix resolve` prints, as mach-nix printed it:
 * `name[extras] - version - provider`, each sub-tree printed once, then the notes.
 */
import type { Resolution } from '../generated/resolution.js';

/** mach-nix's tree: `name[extras] - version - provider`, each sub-tree printed once. */
export function formatTree(resolution: Resolution): string {
  const lines: string[] = [];
  const printed = new Set<string>();
  const label = (name: string) => {
    const p = resolution.packages[name]!;
    const extras = p.extras.length ? `[${p.extras.join(',')}]` : '';
    const detail =
      p.source.type === 'wheel' ? ` - ${p.source.filename.replace(/\.whl$/, '').split('-').slice(-3).join('-')}`
      : p.source.type === 'nixpkgs' ? ` (attribute: ${p.source.attribute})`
      : p.source.type === 'conda' ? ` - ${p.source.build}`
      : '';
    return `${name}${extras} - ${p.version} - ${p.provider}${detail}`;
  };
  const visit = (name: string, prefix: string, connector: string, childPrefix: string) => {
    const p = resolution.packages[name]!;
    const children = [...(p.dependencies ?? []), ...(p.buildDependencies ?? [])];
    if (printed.has(name) && children.length > 0) {
      lines.push(`${prefix}${connector}${label(name)} -> ...`);
      return;
    }
    printed.add(name);
    lines.push(`${prefix}${connector}${label(name)}`);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, prefix + childPrefix, last ? '└── ' : '├── ', last ? '    ' : '│   ');
    });
  };
  for (const root of resolution.roots) if (resolution.packages[root]) visit(root, '', '', '');
  for (const note of resolution.notes) lines.push(`note: ${note}`);
  for (const [name, p] of Object.entries(resolution.packages)) for (const note of p!.notes) lines.push(`note: ${name}: ${note}`);
  lines.push(`Total number of python modules: ${Object.keys(resolution.packages).length}`);
  return `${lines.join('\n')}\n`;
}
