/**
 * What a command module is given: where to write (and whether in colour), and the shape of its
 * registration function. Apart from `program.ts` so that the commands need not import the program
 * that imports them.
 */
import type { Command } from 'commander';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr may be coloured: a terminal, and NO_COLOR not set (https://no-color.org). */
  colour?: boolean;
  /** Whether stderr is a terminal a person watches (progress is shown there, and only there). */
  tty?: boolean;
}

/** `label` in red or yellow when `io` may be coloured, else as it is. */
export function paint(io: Io, label: 'error' | 'warning', text = `${label}:`): string {
  if (!io.colour) return text;
  return `${label === 'error' ? '\x1b[31m' : '\x1b[33m'}${text}\x1b[39m`;
}

/** A warning on stderr: something the user should know that does not stop the command. */
export function warn(io: Io, message: string): void {
  io.stderr(`${paint(io, 'warning')} ${message}\n`);
}

/** A subcommand module adds its commands to the program; `io` is where they write. */
export type RegisterCommands = (program: Command, io: Io) => void;
