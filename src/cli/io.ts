/**
 * What a command module is given: where to write, and the shape of its registration function.
 * Apart from `program.ts` so that the commands need not import the program that imports them.
 */
import type { Command } from 'commander';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A subcommand module adds its commands to the program; `io` is where they write. */
export type RegisterCommands = (program: Command, io: Io) => void;
