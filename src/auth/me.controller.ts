import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CommenterDto, ErrorDto } from './auth.dto.js';
import { toCommenterView, type CommenterView } from './auth.service.js';
import type { Commenter } from './commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from './commenter.guard.js';

@ApiTags('auth')
@Controller('api/me')
export class MeController {
  @Get()
  @UseGuards(CommenterGuard)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The signed-in reader' })
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOkResponse({ type: CommenterDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  me(@CurrentCommenter() commenter: Commenter): CommenterView {
    return toCommenterView(commenter);
  }
}
