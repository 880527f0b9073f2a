import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

import { readLockOwner } from "./dir-lock.js";
import { isProcessAlive } from "./process-alive.js";

/**
 * Replaces directory `dir` with what `write` puts into a fresh temp directory,
 * so that a crash at any moment leaves either the old or the new complete
 * directory. Steps: write into `${dir}.tmp-<pid>-<id>`, fsync every file, move
 * the old `dir` aside to `${dir}.prev-<pid>-<id>`, rename the temp dir to
 * `dir`, delete the old one. {@link recoverDir} undoes a crash between the two
 * renames. Concurrent writers must hold {@link acquireDirLock}.
 */
export async function writeDirAtomically(
  dir: string,
  write: (tmpDir: string) => Promise<void>,
): Promise<void> {
  const target = path.resolve(dir);
  await recoverDir(target);
  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = `${target}.tmp-${id}`;
  await mkdir(path.dirname(target), { recursive: true });
  await mkdir(tmp);
  try {
    await write(tmp);
    await syncTree(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const prev = `${target}.prev-${id}`;
  const hadOld = await exists(target);
  if (hadOld) await rename(target, prev);
  // A crash here leaves no `dir` but a complete `prev`: recoverDir moves it back.
  await rename(tmp, target);
  await syncDir(path.dirname(target));
  if (hadOld) await rm(prev, { recursive: true, force: true });
}

/**
 * Repairs what an interrupted {@link writeDirAtomically} left behind: when
 * `dir` is missing but an old copy `${dir}.prev-*` exists, it is moved back;
 * temp and old copies left by dead processes are deleted. Does nothing while
 * another live process holds the directory's lock (it is mid-save).
 */
export async function recoverDir(dir: string): Promise<void> {
  const target = path.resolve(dir);
  const owner = await readLockOwner(target);
  if (owner !== undefined && owner.pid !== process.pid && isProcessAlive(owner.pid)) return;

  const parent = path.dirname(target);
  const base = path.basename(target);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const leftovers: Leftover[] = [];
  for (const name of names) {
    const leftover = parseLeftover(base, name);
    if (leftover && (await isStale(leftover, path.join(parent, name)))) leftovers.push(leftover);
  }
  if (!(await exists(target))) {
    const prevs = leftovers.filter((l) => l.kind === "prev");
    const newest = await newestOf(prevs.map((l) => path.join(parent, l.name)));
    if (newest) {
      await rename(newest, target);
      await syncDir(parent);
    }
  }
  for (const l of leftovers) {
    const full = path.join(parent, l.name);
    if (full !== target) await rm(full, { recursive: true, force: true });
  }
}

interface Leftover {
  name: string;
  kind: "tmp" | "prev" | "lockdraft";
  pid: number;
}

function parseLeftover(base: string, name: string): Leftover | undefined {
  if (!name.startsWith(`${base}.`)) return undefined;
  const match = /^(tmp|prev|lockdraft)-(\d+)-[0-9a-f]+$/.exec(name.slice(base.length + 1));
  if (!match) return undefined;
  return { name, kind: match[1] as Leftover["kind"], pid: Number(match[2]) };
}

const processStart = Date.now() - process.uptime() * 1000;

/** Left by a dead process, or by an earlier process that had our pid (pids get reused). */
async function isStale(leftover: Leftover, file: string): Promise<boolean> {
  if (leftover.pid !== process.pid) return !isProcessAlive(leftover.pid);
  try {
    return (await stat(file)).mtimeMs < processStart;
  } catch {
    return false;
  }
}

async function newestOf(paths: string[]): Promise<string | undefined> {
  let best: { file: string; time: number } | undefined;
  for (const file of paths) {
    const { mtimeMs } = await stat(file);
    if (!best || mtimeMs > best.time) best = { file, time: mtimeMs };
  }
  return best?.file;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** fsyncs every file below `dir`, then `dir` itself, so the rename publishes data already on disk. */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(full);
    else if (entry.isFile()) {
      const handle = await open(full, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}
