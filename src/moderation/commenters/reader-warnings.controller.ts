import { Controller, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import type { ReaderWarningView } from './sanctions.dto.js';
import { SanctionsService } from './sanctions.service.js';

/** The signed-in reader's warnings (the widget's banner). Lives beside the sanctions so src/auth imports nothing from moderation. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/me/warnings')
@UseGuards(CommenterGuard)
export class ReaderWarningsController {
  constructor(private readonly sanctions: SanctionsService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The reader's warnings not yet acknowledged, oldest first" })
  async list(@CurrentCommenter() reader: Commenter): Promise<{ items: ReaderWarningView[] }> {
    return { items: await this.sanctions.unacknowledged(reader.id) };
  }

  @Post(':id/acknowledge')
  @HttpCode(204)
  @ApiOperation({ summary: 'Acknowledge a warning (idempotent). Errors: NOT_FOUND (unknown, or another reader’s)' })
  async acknowledge(@Param('id') id: string, @CurrentCommenter() reader: Commenter): Promise<void> {
    await this.sanctions.acknowledge(reader.id, id);
  }
}
