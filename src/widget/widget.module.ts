import { Module } from '@nestjs/common';
import { EmbedCheckController } from './embed-check.controller.js';
import { EmbedOrigins } from './embed-origins.js';
import { WidgetAssets } from './widget-assets.js';
import { WidgetController } from './widget.controller.js';

/** The embeddable comment box: embed.js, the iframe page and its bundle. */
@Module({ controllers: [WidgetController, EmbedCheckController], providers: [WidgetAssets, EmbedOrigins] })
export class WidgetModule {}
