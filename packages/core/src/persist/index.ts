export { fileSystem, loadLayersModelFromDir, MODEL_JSON, WEIGHTS_BIN } from "./file-io.js";
export { recoverDir, writeDirAtomically } from "./atomic-dir.js";
export { acquireDirLock, readLockOwner } from "./dir-lock.js";
export type { DirLock, LockOwner } from "./dir-lock.js";
export { GRAFT_JSON, MANIFEST_FORMAT_VERSION, readManifest, validateManifest } from "./manifest.js";
export type { GraftManifest, ManifestPhase } from "./manifest.js";
export { loadModelDir, saveModelDir } from "./model-dir.js";
export type { LoadedModelDir, ManifestInput } from "./model-dir.js";
