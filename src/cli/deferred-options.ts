/**
 * Options a subcommand declares only when they are needed: when that subcommand runs, or when a
 * help text shows it. Every start of `mach-nix` builds the whole command tree; with its options
 * eager, that was over a hundred commander `Option` objects (flag parsing, defaults, help text) for
 * the one command that runs — about a millisecond and a scavenge of start-up, for every command.
 *
 * A command's options are all deferred together, in the order it declares them, so that its help
 * lists them as before. `installDeferredOptions` wires a command in: its subcommands get their
 * options just before commander dispatches to one (the `preSubcommand` hook, also taken by
 * `help <command>` through `--help`), and its help adds them before formatting, since the usage
 * lines of its subcommands say `[options]` when they have any.
 */
import { type Command, Help } from 'commander';

const pending = new WeakMap<Command, (command: Command) => void>();

/** Has `addOptions` add the command's options the first time they are needed; returns the command. */
export function deferOptions(command: Command, addOptions: (command: Command) => void): Command {
  pending.set(command, addOptions);
  return command;
}

/** Adds the command's deferred options now (once). */
export function addDeferredOptions(command: Command): void {
  const addOptions = pending.get(command);
  if (addOptions === undefined) return;
  pending.delete(command);
  addOptions(command);
}

/** Makes `command` add the deferred options of itself and its subcommands whenever commander needs them. */
export function installDeferredOptions(command: Command): void {
  if (command.commands.length > 0) command.hook('preSubcommand', (_parent, subcommand) => addDeferredOptions(subcommand));
  command.configureHelp({
    ...command.configureHelp(),
    formatHelp(shown: Command, helper: Help): string {
      addDeferredOptions(shown);
      shown.commands.forEach(addDeferredOptions);
      return Help.prototype.formatHelp.call(helper, shown, helper);
    },
  });
}
