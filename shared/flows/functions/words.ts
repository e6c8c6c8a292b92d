// Splitting text into words, shared by text functions and router tests.

export interface Word {
  text: string;
  start: number;
  end: number;
}

// Letters, marks, digits and underscores make words; each symbol such as an
// emoji is a word on its own.
const WORD = /[\p{L}\p{M}\p{N}_]+|\p{So}/gu;

export function tokenize(text: string): Word[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Splits on any of the given delimiter characters, dropping empty pieces. */
export function tokenizeByChars(text: string, delimiters: string): Word[] {
  const set = new Set([...delimiters]);
  const words: Word[] = [];
  let start = -1;
  let index = 0;
  for (const ch of text) {
    if (set.has(ch)) {
      if (start >= 0) words.push({ text: text.slice(start, index), start, end: index });
      start = -1;
    } else if (start < 0) start = index;
    index += ch.length;
  }
  if (start >= 0) words.push({ text: text.slice(start), start, end: text.length });
  return words;
}

export function words(text: string, delimiters?: string): Word[] {
  return delimiters === undefined ? tokenize(text) : tokenizeByChars(text, delimiters);
}
