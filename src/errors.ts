// The named errors blue raises. Only cli.ts turns one into output and an exit code (ExitCode below).

export const ExitCode = {
  ok: 0,
  failed: 1,
  warnings: 2,
  usage: 64,
  unavailable: 69,
  config: 78,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a message meant for the user, plus an optional hint saying what to do next. */
export class BlueError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.failed;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong: unknown flag, missing argument, bad combination. */
export class UsageError extends BlueError {
  override readonly exitCode = ExitCode.usage;
}

/** A name on the command line that is not one of those it could be (a command, a flag, a realm, a contract):
 *  cli.ts adds "Did you mean …?" when one of `candidates` is close to `given`. */
export class UnknownName extends UsageError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly given: string,
    readonly candidates: readonly string[],
  ) {
    super(message, hint);
  }
}

/** Something on disk is malformed or invalid; names the file and, where known, line, column and field. */
export class ConfigError extends BlueError {
  override readonly exitCode = ExitCode.config;
  constructor(
    message: string,
    hint?: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message, hint);
  }
}

/** A git operation failed for a reason other than an unreachable remote. */
export class GitError extends BlueError {}

/** A push the realm remote rejected because the branch moved since it was read (another machine pushed it
 *  first): the work is read and planned again, not failed. */
export class BranchMoved extends GitError {}

/** A git remote, forge or the daemon could not be reached. */
export class Unreachable extends BlueError {
  override readonly exitCode = ExitCode.unavailable;
}

/** A forge (Forgejo, GitHub) answered with an error: a rejected token, a request it refused, a missing repo or PR. */
export class ForgeError extends BlueError {
  constructor(
    message: string,
    hint?: string,
    /** The HTTP status, when the forge answered at all. */
    readonly status?: number,
  ) {
    super(message, hint);
  }
}

/** The forge's rate limit holds past what --max-wait (BLUE_MAX_WAIT) allows to wait: nothing more was sent, and
 *  the same command run again after `resetsAt` resumes. Exit 69 like an unreachable forge: try again later. */
export class RateLimited extends ForgeError {
  override readonly exitCode = ExitCode.unavailable;
  constructor(
    message: string,
    hint: string,
    status: number,
    /** When the forge said the limit lifts. */
    readonly resetsAt: Date,
  ) {
    super(message, hint, status);
  }
}

/** The forge did not answer, or kept answering 5xx, after bounded retries. */
export class ForgeUnreachable extends Unreachable {}

/** The daemon is not running and could not be started, or does not answer. */
export class DaemonUnavailable extends Unreachable {}

/** The operation was understood but cannot be done in the current state (joined twice, name taken, cycle…). */
export class Refused extends BlueError {}

/** A command named by realm content that this machine has not consented to run (docs/security.md). */
export class Untrusted extends Refused {}

/** A token would go to a host this machine did not pin for the realm (DESIGN.md §7). */
export class HostNotPinned extends BlueError {
  override readonly exitCode = ExitCode.config;
}

/** The hint of an error raised without one, so that every error ends with a line saying what to do next.
 *  `command` is the command that ran ("blue realm sync"). */
export function fallbackHint(e: BlueError, command: string): string {
  if (e instanceof UsageError) return `Run '${command} --help' for usage.`;
  if (e instanceof ConfigError) return "Fix the file it names, then run the command again.";
  if (e instanceof DaemonUnavailable) return "See why with 'blue daemon status' and 'blue daemon logs'.";
  if (e instanceof Unreachable) return "Check the network, the address and your credentials, then run the command again.";
  if (e instanceof GitError) return "Fix what git says, then run the command again.";
  if (e instanceof ForgeError) return "Check what the forge says and what the token may do there, then run the command again.";
  return `See '${command} --help' for what the command needs.`;
}

/** One finding about a file: `file:line:col: field: message`. */
export type Problem = {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
  severity: "error" | "warning";
};

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}
