import { Module } from '@nestjs/common';
import { WidgetAssets } from './widget-assets.js';
import { WidgetController } from './widget.controller.js';

/** The embeddable comment box: embed.js, the iframe page and its bundle. */
@Module({ controllers: [WidgetController], providers: [WidgetAssets] })
export class WidgetModule {}
