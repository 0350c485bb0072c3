/**
 * Explains a failed resolution in plain words, from the derivation tree of the final
 * incompatibility (the algorithm of pub and pubgrub-rs): every derived fact is written as
 * "Because X and Y, Z.", facts used more than once get a line number to refer back to, and
 * chains of single facts are collapsed into "And because …" lines.
 */
import type { CandidateSet } from './candidate-set.js';
import type { Incompatibility, Term } from './incompatibility.js';
import { ROOT } from './solver.js';

/** Words for sets of candidates: supplied by whoever knows what the candidates are. */
export interface Describer {
  /** `flask 3.1.3`, `flask >=3.0`, `flask` (any candidate), `flask[async] <3`. */
  describe(pkg: string, set: CandidateSet): string;
}

export function explainFailure(failure: Incompatibility, describer: Describer): string {
  return new Explanation(describer).write(failure);
}

class Explanation {
  private readonly lines: { text: string; number?: number }[] = [];
  private readonly lineNumbers = new Map<Incompatibility, number>();
  private readonly references = new Map<Incompatibility, number>();

  constructor(private readonly describer: Describer) {}

  write(failure: Incompatibility): string {
    if (failure.cause.kind !== 'derived') {
      return `Because ${this.text(failure)}, the requirements cannot be satisfied.`;
    }
    this.countReferences(failure);
    this.visit(failure);
    // Numbered lines are prefixed "(n) "; the others are indented to line up with them.
    const width = this.lineNumbers.size > 0 ? `(${this.lineNumbers.size}) `.length : 0;
    return this.lines
      .map(({ text, number }) => (text === '' ? '' : (number === undefined ? '' : `(${number})`).padEnd(width) + text))
      .join('\n');
  }

  /** How often each derived incompatibility is used as a cause: those used twice get numbers. */
  private countReferences(incompatibility: Incompatibility): void {
    const count = (this.references.get(incompatibility) ?? 0) + 1;
    this.references.set(incompatibility, count);
    if (count > 1) return;
    const cause = incompatibility.cause;
    if (cause.kind === 'derived') {
      if (cause.conflict.isDerived) this.countReferences(cause.conflict);
      if (cause.other.isDerived) this.countReferences(cause.other);
    }
  }

  private visit(incompatibility: Incompatibility): void {
    const cause = incompatibility.cause;
    if (cause.kind !== 'derived') throw new Error('internal: only derived incompatibilities are explained');
    const { conflict, other } = cause;
    const conclusion = this.text(incompatibility);

    if (conflict.isDerived && other.isDerived) {
      const conflictLine = this.lineNumbers.get(conflict);
      const otherLine = this.lineNumbers.get(other);
      if (conflictLine !== undefined && otherLine !== undefined) {
        this.add(incompatibility, `Because ${this.text(conflict)} (${conflictLine}) and ${this.text(other)} (${otherLine}), ${conclusion}.`);
      } else if (conflictLine !== undefined || otherLine !== undefined) {
        const [numbered, line, unnumbered] = conflictLine !== undefined ? [conflict, conflictLine, other] : [other, otherLine!, conflict];
        this.visit(unnumbered);
        this.add(incompatibility, `And because ${this.text(numbered)} (${line}), ${conclusion}.`);
      } else if (isSingleLine(conflict) || isSingleLine(other)) {
        const [first, second] = isSingleLine(other) ? [conflict, other] : [other, conflict];
        this.visit(first);
        this.visit(second);
        this.add(incompatibility, `Thus, ${conclusion}.`);
      } else {
        this.visit(conflict);
        const conflictNumber = this.number(conflict);
        this.lines.push({ text: '' });
        this.visit(other);
        this.add(incompatibility, `And because ${this.text(conflict)} (${conflictNumber}), ${conclusion}.`);
      }
      return;
    }

    if (conflict.isDerived || other.isDerived) {
      const [derived, external] = conflict.isDerived ? [conflict, other] : [other, conflict];
      const derivedLine = this.lineNumbers.get(derived);
      if (derivedLine !== undefined) {
        this.add(incompatibility, `Because ${this.text(external)} and ${this.text(derived)} (${derivedLine}), ${conclusion}.`);
      } else if (this.isCollapsible(derived)) {
        const inner = derived.cause as Extract<Incompatibility['cause'], { kind: 'derived' }>;
        const [innerDerived, innerExternal] = inner.conflict.isDerived ? [inner.conflict, inner.other] : [inner.other, inner.conflict];
        this.visit(innerDerived);
        this.add(incompatibility, `And because ${this.text(innerExternal)} and ${this.text(external)}, ${conclusion}.`);
      } else {
        this.visit(derived);
        this.add(incompatibility, `And because ${this.text(external)}, ${conclusion}.`);
      }
      return;
    }

    this.add(incompatibility, `Because ${this.text(conflict)} and ${this.text(other)}, ${conclusion}.`);
  }

  /** A derived fact used once whose own causes are one derived and one external fact. */
  private isCollapsible(incompatibility: Incompatibility): boolean {
    if ((this.references.get(incompatibility) ?? 0) > 1) return false;
    const cause = incompatibility.cause;
    if (cause.kind !== 'derived') return false;
    if (cause.conflict.isDerived === cause.other.isDerived) return false;
    const derived = cause.conflict.isDerived ? cause.conflict : cause.other;
    return !this.lineNumbers.has(derived);
  }

  /** The line number of an incompatibility already written, numbering it now if needed. */
  private number(incompatibility: Incompatibility): number {
    let number = this.lineNumbers.get(incompatibility);
    if (number === undefined) {
      number = this.lineNumbers.size + 1;
      this.lineNumbers.set(incompatibility, number);
      this.lines[this.lines.length - 1]!.number = number;
    }
    return number;
  }

  private add(incompatibility: Incompatibility, line: string): void {
    this.lines.push({ text: line });
    if ((this.references.get(incompatibility) ?? 0) > 1) this.number(incompatibility);
  }

  /** An incompatibility as a statement. */
  private text(incompatibility: Incompatibility): string {
    const cause = incompatibility.cause;
    const terms = incompatibility.terms;
    const depender = terms[0];
    if (cause.kind === 'dependency' && depender && terms.length === 2) {
      return `${this.subject(depender)} ${depender.pkg === ROOT ? 'require' : 'depends on'} ${cause.text}`;
    }
    if (cause.kind === 'constraint' && depender && terms.length === 2) {
      return `${this.subject(depender)} ${depender.pkg === ROOT ? 'constrain' : 'constrains'} ${cause.text}`;
    }
    if (cause.kind === 'noCandidates' && depender) {
      const missing = cause.missing.map((m) => `${m.dependency} (${m.reason})`);
      return `${this.subject(depender)} ${depender.pkg === ROOT ? 'require' : 'depends on'} ${listText(missing)}`;
    }
    if (cause.kind === 'unavailable' && depender) return `${this.subject(depender)} ${cause.reason}`;
    if (cause.kind === 'root') return 'the requirements are wanted';
    return this.derivedText(terms);
  }

  /** Words for a term in subject position: the root is "you". */
  private subject(term: Term): string {
    return term.pkg === ROOT ? 'you' : this.describer.describe(term.pkg, term.set);
  }

  private derivedText(terms: readonly Term[]): string {
    // "If the requirements are wanted, then …": the root's positive term goes without saying.
    const rest = terms.filter((t) => !(t.pkg === ROOT && t.positive));
    if (rest.length === 0) return 'the requirements cannot be satisfied';
    const describe = (t: Term) => this.describer.describe(t.pkg, t.set);
    if (rest.length === 1) {
      const only = rest[0]!;
      return only.positive ? `${describe(only)} cannot be used` : `${describe(only)} is required`;
    }
    if (rest.length === 2) {
      const positives = rest.filter((t) => t.positive);
      const negatives = rest.filter((t) => !t.positive);
      if (positives.length === 2) return `${describe(positives[0]!)} is incompatible with ${describe(positives[1]!)}`;
      if (positives.length === 1) return `${describe(positives[0]!)} requires ${describe(negatives[0]!)}`;
      return `either ${describe(negatives[0]!)} or ${describe(negatives[1]!)} is required`;
    }
    const positives = rest.filter((t) => t.positive).map(describe);
    const negatives = rest.filter((t) => !t.positive).map(describe);
    if (negatives.length === 0) return `${listText(positives)} are incompatible`;
    if (positives.length === 0) return `one of ${listText(negatives, 'or')} is required`;
    return `if ${listText(positives)} are used, then one of ${listText(negatives, 'or')} is required`;
  }
}

function isSingleLine(incompatibility: Incompatibility): boolean {
  const cause = incompatibility.cause;
  return cause.kind === 'derived' && !cause.conflict.isDerived && !cause.other.isDerived;
}

function listText(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
