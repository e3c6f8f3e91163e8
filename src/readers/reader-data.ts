import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What one module keeps about a reader (mutes, notifications, preferences, e-mail …): handed out by
 * the export and erased by an account's deletion. Each module registers its own section, so adding
 * personal data to the service means saying, in the same place, how it leaves.
 */
export interface ReaderDataSection {
  /** The key of this section in the export document, e.g. "mutes". */
  readonly name: string;
  /** Everything this module keeps about the reader, as plain JSON. */
  export(readerId: string): Promise<unknown>;
  /** Removes it. Runs inside the deletion's transaction; must be idempotent (a retried job runs it again). */
  erase(readerId: string, manager: EntityManager): Promise<void>;
}

/** The registered sections: modules call `register` from their providers' constructors. */
@Injectable()
export class ReaderData {
  private readonly registered = new Map<string, ReaderDataSection>();

  register(section: ReaderDataSection): void {
    if (this.registered.has(section.name)) throw new Error(`reader data section "${section.name}" registered twice`);
    this.registered.set(section.name, section);
  }

  sections(): ReaderDataSection[] {
    return [...this.registered.values()];
  }
}

@Global()
@Module({ providers: [ReaderData], exports: [ReaderData] })
export class ReaderDataModule {}
