/**
 * Multi-word search in one pass over the text, whatever the number of words (Aho-Corasick):
 * time linear in the text plus the matches, no backtracking.
 */
export interface Match {
  /** Index of the word in the list given to the constructor. */
  word: number;
  start: number;
  end: number;
}

export class AhoCorasick {
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Words ending at each state (own and inherited through failure links). */
  private readonly output: number[][] = [[]];

  constructor(private readonly words: readonly string[]) {
    words.forEach((word, index) => {
      if (!word) return;
      let state = 0;
      for (let i = 0; i < word.length; i++) {
        const unit = word.charCodeAt(i);
        let target = this.next[state]!.get(unit);
        if (target === undefined) {
          target = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.output.push([]);
          this.next[state]!.set(unit, target);
        }
        state = target;
      }
      this.output[state]!.push(index);
    });
    const queue: number[] = [];
    for (const target of this.next[0]!.values()) queue.push(target);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [unit, target] of this.next[state]!) {
        queue.push(target);
        let f = this.fail[state]!;
        while (f !== 0 && !this.next[f]!.has(unit)) f = this.fail[f]!;
        const candidate = this.next[f]!.get(unit);
        this.fail[target] = candidate !== undefined && candidate !== target ? candidate : 0;
        this.output[target]!.push(...this.output[this.fail[target]!]!);
      }
    }
  }

  get size(): number {
    return this.words.length;
  }

  search(text: string): Match[] {
    const matches: Match[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      while (state !== 0 && !this.next[state]!.has(unit)) state = this.fail[state]!;
      state = this.next[state]!.get(unit) ?? 0;
      for (const word of this.output[state]!) {
        matches.push({ word, start: i + 1 - this.words[word]!.length, end: i + 1 });
      }
    }
    return matches;
  }
}
