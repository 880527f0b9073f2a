/**
 * The words and phrases the demo speaks. Task A (pre-training) recognises
 * {@link TRANSCRIPTS}; task B listens for {@link WAKE_PHRASE}, which shares no
 * word with them.
 */

/** Single words of task A: commands, digits, colours, everyday nouns and verbs. */
export const WORDS: readonly string[] = [
  "yes",
  "no",
  "up",
  "down",
  "left",
  "right",
  "on",
  "off",
  "stop",
  "go",
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "bed",
  "bird",
  "cat",
  "dog",
  "happy",
  "house",
  "tree",
  "learn",
  "follow",
  "forward",
  "backward",
  "open",
  "close",
  "music",
  "light",
  "water",
  "green",
  "yellow",
  "morning",
  "window",
  // Words an everyday speech corpus would hold that share sounds with the wake phrase ("hey" and
  // "graft" themselves never appear), so pre-training learns to tell such sounds apart.
  "craft",
  "grass",
  "draft",
  "great",
  "grant",
  "graph",
  "raft",
  "gift",
];

/** Short phrases of task A, each one class with its own transcript. */
export const PHRASES: readonly string[] = [
  "thank you",
  "good night",
  "excuse me",
  "come here",
  "how are you",
  "see you later",
];

/** Task A's classes: every word and phrase, in a fixed order (the label index). */
export const TRANSCRIPTS: readonly string[] = [...WORDS, ...PHRASES];

/** Task B's wake phrase. Neither "hey" nor "graft" is in {@link TRANSCRIPTS}. */
export const WAKE_PHRASE = "hey graft";

/** Hard negatives for task B: phrases that sound like the wake phrase, or contain half of it. */
export const CONFUSERS: readonly string[] = [
  "hey craft",
  "hey graph",
  "hey grass",
  "hey grant",
  "hey draft",
  "hey grace",
  "hey giraffe",
  "hey great",
  "graft",
  "hey",
  "grass",
  "great",
  "crafty",
  "hay raft",
  "gray raft",
  "a graph",
];

/** Words heard in neither task A nor the wake phrase: ordinary negatives for task B. */
export const OTHER_WORDS: readonly string[] = [
  "apple",
  "banana",
  "table",
  "garden",
  "pencil",
  "river",
  "mountain",
  "friday",
  "hello",
  "goodbye",
  "paper",
  "orange",
  "kitchen",
  "basket",
  "letter",
  "summer",
  "winter",
  "button",
  "pocket",
  "rabbit",
];

/**
 * The wake phrase's first word before ordinary words ("hey apple", "hey
 * river", …): training negatives that say "hey" is not enough. No test or
 * calibration stream says them.
 */
export const HEY_OTHERS: readonly string[] = OTHER_WORDS.map((word) => `hey ${word}`);

/** Sentences for the long negative streams: everyday speech, some of it close to the wake phrase. */
export const SENTENCES: readonly string[] = [
  "what time is it",
  "set a timer for ten minutes",
  "turn on the kitchen light",
  "how is the weather today",
  "call my sister",
  "play some jazz",
  "the grass is green",
  "that was a great day",
  "hand me the graph",
  "she drafts letters every morning",
  "there is a craft fair on sunday",
  "we saw a giraffe at the zoo",
  "the bird sang in the tree",
  "open the window please",
  "my dog likes the river",
  "read me the news",
  "where are my keys",
  "add milk to the list",
  "the train is late again",
  "hey there how are you",
  "grant me a favour",
  "a great grey rabbit",
  "pass the orange basket",
  "the paper is on the table",
];
