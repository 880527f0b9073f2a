import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Real recordings from Debian packages, the negatives synthetic speech cannot
 * stand in for: Asterisk's prompts read by four professional speakers (a
 * Mexican Spanish and a Canadian French woman, an Italian man, a Russian woman) (`asterisk-core-sounds-{es,fr,it,ru}-wav`, 8 kHz,
 * about 1.8 h together) and its music on hold (`asterisk-moh-opsound-wav`).
 * The English prompts (`asterisk-core-sounds-en-wav`) are never listed here:
 * they stay out of training and tuning for an independent check.
 */
export const RECORDED_SOURCES: readonly RecordedSource[] = [
  {
    kind: "speech",
    name: "es",
    dir: "/usr/share/asterisk/sounds/es_MX_f_Allison",
    apt: "asterisk-core-sounds-es-wav",
  },
  {
    kind: "speech",
    name: "fr",
    dir: "/usr/share/asterisk/sounds/fr_CA_f_June",
    apt: "asterisk-core-sounds-fr-wav",
  },
  {
    kind: "speech",
    name: "it",
    dir: "/usr/share/asterisk/sounds/it_IT_m_Carlo",
    apt: "asterisk-core-sounds-it-wav",
  },
  {
    kind: "speech",
    name: "ru",
    dir: "/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU",
    apt: "asterisk-core-sounds-ru-wav",
  },
  { kind: "music", name: "moh", dir: "/usr/share/asterisk/moh", apt: "asterisk-moh-opsound-wav" },
];

/** The English prompts: for the independent check only. */
export const INDEPENDENT_CHECK: RecordedSource = {
  kind: "speech",
  name: "en",
  dir: "/usr/share/asterisk/sounds/en_US_f_Allison",
  apt: "asterisk-core-sounds-en-wav",
};

/** A Debian package's folder of WAV recordings. */
export interface RecordedSource {
  readonly kind: "speech" | "music";
  readonly name: string;
  readonly dir: string;
  /** The package that installs it. */
  readonly apt: string;
}

/** One recording and its size (8 kHz 16-bit mono: 16 000 bytes a second), or a piece of one. */
export interface RecordedFile {
  readonly source: string;
  readonly kind: RecordedSource["kind"];
  readonly path: string;
  readonly bytes: number;
  /** For a piece of a long recording: where it starts and how long it is, in seconds. */
  readonly piece?: { readonly start: number; readonly seconds: number };
}

/** Music comes in a few long tracks: they are cut into pieces this long, so every use hears some of each. */
export const MUSIC_PIECE_SECONDS = 30;

/** Shares of the recordings per use; the test takes what is left. */
export interface RecordedShares {
  readonly train: number;
  readonly calibration: number;
}

/** The recordings split by file: no recording is heard in two uses. */
export interface RecordedSplit {
  readonly train: readonly RecordedFile[];
  readonly calibration: readonly RecordedFile[];
  readonly test: readonly RecordedFile[];
}

/** Every WAV under `source.dir` (recursively), sorted by path; a clear error naming the package when it is missing. */
export function listRecordings(source: RecordedSource): RecordedFile[] {
  const files: RecordedFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".wav")) {
        const file = { source: source.name, kind: source.kind, path, bytes: statSync(path).size };
        files.push(...(source.kind === "music" ? pieces(file) : [file]));
      }
    }
  };
  try {
    walk(source.dir);
  } catch (cause) {
    throw new Error(
      `No recordings in ${source.dir} (expected WAV files from the Debian package ${source.apt}).\nFix: sudo apt-get install -y ${source.apt}`,
      { cause },
    );
  }
  if (files.length === 0)
    throw new Error(`No WAV files in ${source.dir}.\nFix: sudo apt-get install -y ${source.apt}`);
  return files.sort(
    (a, b) => a.path.localeCompare(b.path) || (a.piece?.start ?? 0) - (b.piece?.start ?? 0),
  );
}

function pieces(file: RecordedFile): RecordedFile[] {
  const total = Math.max(0, file.bytes - 44) / 16_000;
  return Array.from({ length: Math.ceil(total / MUSIC_PIECE_SECONDS) }, (_, i) => ({
    ...file,
    piece: {
      start: i * MUSIC_PIECE_SECONDS,
      seconds: Math.min(MUSIC_PIECE_SECONDS, total - i * MUSIC_PIECE_SECONDS),
    },
  }));
}

/**
 * Splits every source's recordings into training, calibration and test by a
 * hash of each file's name and `seed`: stable when files are added, and each
 * source (language, music) is represented in every use in about the asked shares.
 */
export function splitRecordings(
  files: readonly RecordedFile[],
  shares: RecordedShares,
  seed: number,
): RecordedSplit {
  if (!(shares.train >= 0 && shares.calibration >= 0 && shares.train + shares.calibration < 1)) {
    throw new Error(
      `splitRecordings: shares must be ≥ 0 and leave some for the test, got train ${shares.train}, calibration ${shares.calibration}.`,
    );
  }
  const split = {
    train: [] as RecordedFile[],
    calibration: [] as RecordedFile[],
    test: [] as RecordedFile[],
  };
  for (const file of files) {
    const name = file.path.slice(file.path.lastIndexOf("/") + 1);
    const u = unitHash(`${seed}:${file.source}:${name}${file.piece ? `@${file.piece.start}` : ""}`);
    (u < shares.train
      ? split.train
      : u < shares.train + shares.calibration
        ? split.calibration
        : split.test
    ).push(file);
  }
  return split;
}

/** Seconds of 8 kHz 16-bit mono audio the files (or pieces) hold (their 44-byte headers aside). */
export function recordedSeconds(files: readonly RecordedFile[]): number {
  return files.reduce(
    (sum, f) => sum + (f.piece?.seconds ?? Math.max(0, f.bytes - 44) / 16_000),
    0,
  );
}

function unitHash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
}
