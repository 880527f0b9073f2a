// Child process that runs espeak-ng and flite for the demo (see speech-process.ts).
// It stays small, so starting each synthesiser costs it little.
import { speakToFile } from "./espeak.js";
import type { SpeechJob, SpeechReply } from "./speech-process.js";

process.on("message", (job: SpeechJob) => {
  speakToFile(job.text, job.voice, job.path).then(
    () => process.send?.({ id: job.id } satisfies SpeechReply),
    (error: unknown) =>
      process.send?.({
        id: job.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies SpeechReply),
  );
});
