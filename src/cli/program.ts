/**
 * The `mach-nix` command line: subcommands, and the one rule for failures — a user's mistake is
 * one line on stderr and exit 1 (2 for wrong usage), never a stack trace; `error:` in red on a
 * terminal.
 */
import { Command, CommanderError } from 'commander';
import { installDeferredOptions } from './deferred-options.js';
import { type Io, type RegisterCommands, paint } from './io.js';
import { descriptorWriter, isTerminal } from './process-output.js';
import { MachNixError } from '../errors.js';
import { toolVersion } from '../version.js';
import { registerDbCommands } from './db.js';
import { registerRequirementsCommand } from './requirements.js';
import { registerLockCommand } from './lock.js';
import { registerResolveCommand } from './resolve.js';
import { registerEnvCommand } from './env.js';
import { registerGenCommand } from './gen.js';
import { registerGraphCommand } from './graph.js';
import { registerWhyCommand } from './why.js';

/** Whether stdout or stderr is a terminal, without building its stream where it cannot be one (process-output.ts). */
const stdoutIsTerminal = () => isTerminal(1, () => process.stdout);
const stderrIsTerminal = () => isTerminal(2, () => process.stderr);

/** The process's output; whether stderr is a terminal is asked when needed. */
const processIo: Io = {
  stdout: descriptorWriter(1, () => process.stdout),
  stderr: descriptorWriter(2, () => process.stderr),
  get colour() {
    return stderrIsTerminal() && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  },
  get tty() {
    return stderrIsTerminal();
  },
};

/**
 * Commander asks `process.stdout.isTTY` (or stderr's) for the width and colours of a help text,
 * which builds the stream: ~7 ms of `--help` into a pipe. The same answers, the stream built only
 * for a terminal: elsewhere commander wraps at 80 columns (the help text has no colours, so
 * whether it would strip them changes nothing).
 */
const COMMANDER_HELP_WIDTH = 80;
const helpOutput = {
  getOutHelpWidth: () => (stdoutIsTerminal() ? process.stdout.columns : COMMANDER_HELP_WIDTH),
  getErrHelpWidth: () => (stderrIsTerminal() ? process.stderr.columns : COMMANDER_HELP_WIDTH),
  getOutHasColors: () => stdoutIsTerminal() && process.stdout.hasColors(),
  getErrHasColors: () => stderrIsTerminal() && process.stderr.hasColors(),
};

const EXIT_CODES = `
Exit codes:
  0   success
  1   the requirements cannot be resolved, or an input is wrong (the message names the file and line)
  2   wrong usage: an unknown command or option, a missing or malformed argument
  70  an internal error, a bug in mach-nix (MACH_NIX_DEBUG=1 prints the stack)

Colour and progress bars only on a terminal; NO_COLOR=1 turns colour off.`;

const commandModules: RegisterCommands[] = [
  registerDbCommands, registerEnvCommand, registerGenCommand, registerGraphCommand, registerLockCommand, registerRequirementsCommand, registerResolveCommand, registerWhyCommand,
];

export function buildProgram(io: Io): Command {
  const program = new Command('mach-nix')
    .description('Reproducible Nix builds of Python environments from requirements.txt, pyproject.toml or environment.yml')
    .version(toolVersion(), '-V, --version');
  program.configureHelp({ sortSubcommands: true });
  program.addHelpText('after', EXIT_CODES);
  for (const register of commandModules) register(program, io);
  // Commands added with addCommand() do not inherit settings: apply them to the whole tree.
  const configure = (command: Command) => {
    installDeferredOptions(command);
    command
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({
        ...helpOutput,
        writeOut: io.stdout,
        writeErr: io.stderr,
        outputError: (text, write) => write(text.replace(/^error:/, paint(io, 'error'))),
      })
      .exitOverride();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI and returns its exit code. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof MachNixError) {
      io.stderr(`${paint(io, 'error')} ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      if (error.details !== null) io.stderr(`${error.details}\n`);
      return error.exitCode;
    }
    io.stderr(`mach-nix: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.MACH_NIX_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
    else io.stderr('This is a bug in mach-nix; set MACH_NIX_DEBUG=1 for details.\n');
    return 70;
  }
}
