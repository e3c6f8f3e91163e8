/**
 * Multi-word search in one pass over the text, whatever the number of words (Aho-Corasick):
 * time linear in the text plus the matches, no backtracking. Built with maps, then flattened into
 * typed arrays: a dense table for the root, an open-addressing hash for the other transitions.
 */
export interface Match {
  /** Index of the word in the list given to the constructor. */
  word: number;
  start: number;
  end: number;
}

export class AhoCorasick {
  private readonly root = new Int32Array(65536);
  private readonly keyState: Int32Array;
  private readonly keyUnit: Uint16Array;
  private readonly value: Int32Array;
  private readonly mask: number;
  private readonly fail: Int32Array;
  /** Words ending at state s (own and inherited through failure links): outWords[outStart[s] .. outStart[s+1]). */
  private readonly outStart: Int32Array;
  private readonly outWords: Int32Array;
  private readonly lengths: Int32Array;

  constructor(words: readonly string[]) {
    const next: Array<Map<number, number>> = [new Map()];
    const output: number[][] = [[]];
    words.forEach((word, index) => {
      if (!word) return;
      let state = 0;
      for (let i = 0; i < word.length; i++) {
        const unit = word.charCodeAt(i);
        let target = next[state]!.get(unit);
        if (target === undefined) {
          target = next.length;
          next.push(new Map());
          output.push([]);
          next[state]!.set(unit, target);
        }
        state = target;
      }
      output[state]!.push(index);
    });
    const fail = new Int32Array(next.length);
    const queue: number[] = [];
    for (const target of next[0]!.values()) queue.push(target);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [unit, target] of next[state]!) {
        queue.push(target);
        let f = fail[state]!;
        while (f !== 0 && !next[f]!.has(unit)) f = fail[f]!;
        const candidate = next[f]!.get(unit);
        fail[target] = candidate !== undefined && candidate !== target ? candidate : 0;
        output[target]!.push(...output[fail[target]!]!);
      }
    }
    this.fail = fail;
    this.lengths = Int32Array.from(words, (w) => w.length);

    let edges = 0;
    for (const map of next) edges += map.size;
    let capacity = 16;
    while (capacity < edges * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.keyState = new Int32Array(capacity).fill(-1);
    this.keyUnit = new Uint16Array(capacity);
    this.value = new Int32Array(capacity);
    next.forEach((map, state) => {
      for (const [unit, target] of map) {
        if (state === 0) {
          this.root[unit] = target;
          continue;
        }
        let h = this.hash(state, unit);
        while (this.keyState[h] !== -1) h = (h + 1) & this.mask;
        this.keyState[h] = state;
        this.keyUnit[h] = unit;
        this.value[h] = target;
      }
    });

    this.outStart = new Int32Array(next.length + 1);
    let total = 0;
    for (let s = 0; s < next.length; s++) {
      this.outStart[s] = total;
      total += output[s]!.length;
    }
    this.outStart[next.length] = total;
    this.outWords = new Int32Array(total);
    output.forEach((list, s) => this.outWords.set(list, this.outStart[s]!));
  }

  get size(): number {
    return this.lengths.length;
  }

  private hash(state: number, unit: number): number {
    return (Math.imul(state, 0x9e3779b1) ^ Math.imul(unit, 0x85ebca6b)) >>> 0 & this.mask;
  }

  /** The state after `unit` from `state`, -1 when there is no edge. */
  private edge(state: number, unit: number): number {
    if (state === 0) return this.root[unit]! || -1;
    let h = this.hash(state, unit);
    for (;;) {
      const key = this.keyState[h]!;
      if (key === -1) return -1;
      if (key === state && this.keyUnit[h] === unit) return this.value[h]!;
      h = (h + 1) & this.mask;
    }
  }

  search(text: string): Match[] {
    const units = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    return this.searchUnits(units, units.length);
  }

  searchUnits(units: Uint16Array, length: number): Match[] {
    const matches: Match[] = [];
    let state = 0;
    for (let i = 0; i < length; i++) {
      const unit = units[i]!;
      let target = this.edge(state, unit);
      while (target === -1 && state !== 0) {
        state = this.fail[state]!;
        target = this.edge(state, unit);
      }
      state = target === -1 ? 0 : target;
      for (let k = this.outStart[state]!, end = this.outStart[state + 1]!; k < end; k++) {
        const word = this.outWords[k]!;
        matches.push({ word, start: i + 1 - this.lengths[word]!, end: i + 1 });
      }
    }
    return matches;
  }
}
