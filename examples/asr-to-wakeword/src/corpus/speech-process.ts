import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

import type { Voice } from "./voices.js";

/** One utterance for the speech process to write. */
export interface SpeechJob {
  readonly id: number;
  readonly text: string;
  readonly voice: Voice;
  readonly path: string;
}

/** The speech process's answer to a job. */
export interface SpeechReply {
  readonly id: number;
  readonly error?: string;
}

/**
 * Speaks `text` with `voice` into the WAV file `path`, through one small child
 * process that starts espeak-ng and flite. Started from the demo itself, every
 * synthesiser would be forked from a process holding gigabytes of features,
 * which costs tens of milliseconds of the main thread per clip (thousands of
 * clips a run); the child forks cheaply and the main thread keeps computing.
 */
export function speakInHelper(text: string, voice: Voice, path: string): Promise<void> {
  const child = speechProcess();
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (pending.size === 1) hold(child, true);
    child.send({ id, text, voice, path } satisfies SpeechJob);
  });
}

const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let nextId = 1;
let child: ChildProcess | undefined;

function speechProcess(): ChildProcess {
  if (child) return child;
  // The worker sits beside this file: .ts when run from source, .js when built.
  const here = fileURLToPath(import.meta.url);
  const worker = new URL(`./speech-worker${extname(here)}`, import.meta.url);
  // From source, the child needs the same TypeScript hooks (a test runner may not pass them on).
  const hooks = ["--conditions=@graft/source", "--import", "@graft/ts-hooks/register"];
  const execArgv =
    extname(here) === ".ts" && !process.execArgv.includes("@graft/ts-hooks/register")
      ? [...process.execArgv, ...hooks]
      : process.execArgv;
  const started = fork(fileURLToPath(worker), [], {
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  started.on("message", ({ id, error }: SpeechReply) => {
    const job = pending.get(id);
    if (!job) return;
    pending.delete(id);
    if (pending.size === 0) hold(started, false);
    if (error === undefined) job.resolve();
    else job.reject(new Error(error));
  });
  started.on("exit", (code, signal) => {
    child = undefined;
    const failure = new Error(
      `The speech process stopped (${signal ?? `exit code ${code}`}) with ${pending.size} utterances unwritten.`,
    );
    for (const job of pending.values()) job.reject(failure);
    pending.clear();
  });
  hold(started, false);
  child = started;
  return started;
}

/** While jobs are pending the child keeps the demo alive; idle, it lets the demo exit. */
function hold(process: ChildProcess, busy: boolean): void {
  if (busy) {
    process.ref();
    process.channel?.ref();
  } else {
    process.unref();
    process.channel?.unref();
  }
}
