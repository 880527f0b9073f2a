import meydaModule from "meyda";

/** The part of meyda's singleton graft uses. */
export interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  windowingFunction: string;
  melFilterBank?: unknown;
  /** With one feature name, meyda returns that feature itself. */
  extract(feature: "powerSpectrum", signal: Float32Array): unknown;
}

// meyda is CommonJS but its typings declare an ES default export, so under
// NodeNext TypeScript sees a namespace; at run time the default import is the
// Meyda object itself.
/** meyda's configuration-by-fields singleton. */
export const Meyda: MeydaLike = meydaModule as unknown as MeydaLike;
