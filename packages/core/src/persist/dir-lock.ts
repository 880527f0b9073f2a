import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";

import { ModelFileError } from "../errors.js";
import { isProcessAlive } from "./process-alive.js";

/** Who holds a directory lock, as written in `${dir}.lock`. */
export interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
  acquiredAt: string;
}

/** A held lock on an output directory. */
export interface DirLock {
  /** Path of the lock file, `${dir}.lock`. */
  readonly path: string;
  /** Releases this hold; the file goes when the last hold in this process is released. */
  release(): Promise<void>;
}

const held = new Map<string, { token: string; count: number }>();
let exitHookInstalled = false;

/**
 * Claims output directory `dir` for this process, so two trainings cannot
 * write the same model at once. The lock is the file `${dir}.lock` holding the
 * owner's pid; a lock whose process has died is taken over. Re-entrant within a
 * process (a trainer holding the lock can still save checkpoints).
 * @throws ModelFileError naming the pid when another live process holds it.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const target = path.resolve(dir);
  const lockPath = `${target}.lock`;
  const mine = held.get(target);
  if (mine) {
    mine.count++;
    return handle(target, lockPath);
  }
  await mkdir(path.dirname(target), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    token: randomBytes(8).toString("hex"),
    acquiredAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 10; attempt++) {
    // Write the content first and hard-link it into place: the lock never exists half-written.
    // Named like atomic-dir's leftovers, so recoverDir deletes one left by a killed process.
    const draft = `${target}.lockdraft-${process.pid}-${owner.token}`;
    await writeFile(draft, JSON.stringify(owner));
    try {
      await link(draft, lockPath);
      held.set(target, { token: owner.token, count: 1 });
      installExitHook();
      return handle(target, lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await unlink(draft).catch(() => undefined);
    }
    const current = await readLockOwner(target);
    if (current && current.hostname !== owner.hostname) {
      throw busy(lockPath, `a graft process on host ${current.hostname} (pid ${current.pid})`);
    }
    if (current && current.pid !== process.pid && isProcessAlive(current.pid)) {
      throw busy(lockPath, `another graft process (pid ${current.pid})`);
    }
    await takeOver(lockPath, current?.token);
  }
  throw busy(lockPath, "other processes racing for the same directory");
}

/** Reads the owner recorded in `${dir}.lock`, or undefined when there is no readable lock. */
export async function readLockOwner(dir: string): Promise<LockOwner | undefined> {
  try {
    const json = JSON.parse(
      await readFile(`${path.resolve(dir)}.lock`, "utf8"),
    ) as Partial<LockOwner>;
    if (typeof json.pid !== "number" || typeof json.token !== "string") return undefined;
    return {
      pid: json.pid,
      token: json.token,
      hostname: String(json.hostname),
      acquiredAt: String(json.acquiredAt),
    };
  } catch {
    return undefined;
  }
}

/** Removes a stale lock, unless someone replaced it since we read it. */
async function takeOver(lockPath: string, staleToken: string | undefined): Promise<void> {
  const aside = `${lockPath.slice(0, -".lock".length)}.lockdraft-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // Already gone: retry the link.
  }
  let token: string | undefined;
  try {
    token = (JSON.parse(await readFile(aside, "utf8")) as Partial<LockOwner>).token;
  } catch {
    token = undefined;
  }
  // A live owner slipped in between our read and the rename: put its lock back.
  if (token !== staleToken) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

function handle(target: string, lockPath: string): DirLock {
  let released = false;
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      const mine = held.get(target);
      if (!mine || --mine.count > 0) return;
      held.delete(target);
      const current = await readLockOwner(target);
      if (current?.token === mine.token) await unlink(lockPath).catch(() => undefined);
    },
  };
}

function busy(lockPath: string, who: string): ModelFileError {
  return new ModelFileError(
    `${who} is writing to this model directory; refusing to write it at the same time.`,
    {
      path: lockPath,
      fix: "wait for that run to finish or choose another output directory; if no such run exists, delete the lock file",
    },
  );
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort on a normal exit; after a crash the dead pid marks the lock stale.
  process.on("exit", () => {
    for (const target of held.keys()) {
      try {
        unlinkSync(`${target}.lock`);
      } catch {
        // Already gone.
      }
    }
  });
}
