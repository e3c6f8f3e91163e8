import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseOrFail } from '../comments/comments.dto.js';
import { AppError } from '../errors.js';
import type { ChangedBy } from './moderator-accounts.js';
import { MODERATOR_COOKIE } from './moderator-sessions.js';
import { toModeratorView, type Moderator, type ModeratorView } from './moderator.entity.js';
import { AdminOnly, CurrentModerator, ModeratorGuard } from './moderator.guard.js';
import {
  AddModeratorDto,
  ModeratorDto,
  ModeratorWithPasswordDto,
  ResetPasswordDto,
  UpdateModeratorDto,
  addModeratorSchema,
  resetPasswordSchema,
  updateModeratorSchema,
} from './moderators.dto.js';
import { ModeratorsService } from './moderators.service.js';

function by(moderator: Moderator): ChangedBy {
  return { moderatorId: moderator.id, via: 'api' };
}

function acceptId(id: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 404, 'No such moderator');
  return id;
}

/** Moderator accounts, admins only (the same operations as `npm run moderators`). */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/moderators')
@UseGuards(ModeratorGuard)
@AdminOnly()
export class ModeratorsController {
  constructor(private readonly moderators: ModeratorsService) {}

  @Get()
  @ApiOperation({ summary: 'All moderator accounts' })
  @ApiOkResponse({ type: [ModeratorDto], description: 'Each with `locked`: sign-in is locked for browsers without the device cookie' })
  async list(): Promise<{ items: Array<ModeratorView & { locked: boolean }> }> {
    const all = await this.moderators.list();
    const locked = await this.moderators.lockedEmails(all.map((m) => m.email));
    return { items: all.map((m) => ({ ...toModeratorView(m), locked: locked.has(m.email) })) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a moderator (a password is generated and returned once when none is given)' })
  @ApiBody({ type: AddModeratorDto })
  @ApiCreatedResponse({ type: ModeratorWithPasswordDto, description: 'Errors: VALIDATION_FAILED, MODERATOR_EXISTS (409)' })
  async add(@Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView; password?: string }> {
    const input = parseOrFail(addModeratorSchema, body);
    const { moderator, password } = await this.moderators.add(input, by(me));
    return { moderator: toModeratorView(moderator), ...(input.password ? {} : { password }) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role or status (active / disabled)' })
  @ApiBody({ type: UpdateModeratorDto })
  @ApiOkResponse({ type: ModeratorWithPasswordDto, description: 'Errors: NOT_FOUND, LAST_ADMIN (409)' })
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView }> {
    const input = parseOrFail(updateModeratorSchema, body);
    let moderator: Moderator | null = await this.moderators.findById(acceptId(id));
    if (!moderator) throw new AppError('NOT_FOUND', 404, 'No such moderator');
    if (input.role) moderator = await this.moderators.setRole(moderator.id, input.role, by(me));
    if (input.status) moderator = await this.moderators.setStatus(moderator.id, input.status, by(me));
    return { moderator: toModeratorView(moderator) };
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an account: its sessions and tokens stop working at once' })
  @ApiOkResponse({ type: ModeratorWithPasswordDto })
  async disable(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView }> {
    return { moderator: toModeratorView(await this.moderators.setStatus(acceptId(id), 'disabled', by(me))) };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled account again' })
  @ApiOkResponse({ type: ModeratorWithPasswordDto })
  async enable(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView }> {
    return { moderator: toModeratorView(await this.moderators.setStatus(acceptId(id), 'active', by(me))) };
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a sign-in lock at once, for every browser; written to the audit log as moderator.unlock' })
  @ApiOkResponse({ type: ModeratorWithPasswordDto, description: 'Errors: NOT_FOUND' })
  async unlock(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView }> {
    const { moderator } = await this.moderators.unlock(acceptId(id), by(me));
    return { moderator: toModeratorView(moderator) };
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password (generated and returned once when none is given); ends earlier sessions and any sign-in lock' })
  @ApiBody({ type: ResetPasswordDto })
  @ApiOkResponse({ type: ModeratorWithPasswordDto })
  async resetPassword(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ moderator: ModeratorView; password?: string }> {
    const input = parseOrFail(resetPasswordSchema, body);
    const { moderator, password } = await this.moderators.resetPassword(acceptId(id), input.password, by(me));
    return { moderator: toModeratorView(moderator), ...(input.password ? {} : { password }) };
  }
}
