import { Global, Module } from '@nestjs/common';
import { ExternalModeration } from './classifier.client.js';
import { ClassifierStats } from './classifier-stats.js';

/** The outside classifier: the worker calls it, /metrics reports its calls. */
@Global()
@Module({ providers: [ExternalModeration, ClassifierStats], exports: [ExternalModeration, ClassifierStats] })
export class ClassifierModule {}
