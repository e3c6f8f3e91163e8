import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Repository } from 'typeorm';
import { Commenter } from '../../auth/commenter.entity.js';
import { Comment } from '../../comments/comment.entity.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { AppError } from '../../errors.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import type { Moderator } from '../../moderators/moderator.entity.js';
import { CurrentModerator, ModeratorGuard } from '../../moderators/moderator.guard.js';
import { BansService } from './bans.service.js';
import { NoteDto, noteSchema, WarnDto, warnSchema, type NoteView, type WarningView } from './sanctions.dto.js';
import { SanctionsService, toWarningView } from './sanctions.service.js';
import { BanDto, banSchema } from '../moderation.dto.js';
import { QueueService, emptyCounts, type StatusCounts } from '../queue/queue.service.js';
import { toBanView, toCommenterView, toModerationComment, type BanView, type CommenterView, type ModerationCommentView } from '../queue/views.js';

export interface CommenterProfile {
  commenter: CommenterView & { lastLoginAt: string };
  banned: boolean;
  activeBan: BanView | null;
  bans: BanView[];
  history: StatusCounts;
  /** Their newest comments (up to 20), any status. */
  recent: ModerationCommentView[];
  /** Every comment and edit of theirs goes to review while on. */
  premoderated: boolean;
  /** Newest first. */
  warnings: WarningView[];
  /** Moderators' notes, newest first. */
  notes: NoteView[];
}

@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/commenters')
@UseGuards(ModeratorGuard)
export class CommentersController {
  constructor(
    @InjectRepository(Commenter) private readonly commenters: Repository<Commenter>,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    private readonly bans: BansService,
    private readonly queue: QueueService,
    private readonly sanctions: SanctionsService,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A commenter: profile, comments by status, recent comments, bans' })
  async profile(@Param('id') id: string): Promise<CommenterProfile> {
    const commenter = /^[0-9a-f-]{36}$/i.test(id) ? await this.commenters.findOneBy({ id }) : null;
    if (!commenter) throw new AppError('NOT_FOUND', 404, 'No such commenter');
    const [bans, history, recent, premoderated, warnings, notes] = await Promise.all([
      this.bans.history(id),
      this.queue.historyOf([id]),
      this.comments.find({ where: { commenterId: id }, order: { createdAt: 'DESC', id: 'DESC' }, take: 20 }),
      this.sanctions.isPremoderated(id),
      this.sanctions.history(id),
      this.sanctions.notesOf(id),
    ]);
    const now = new Date();
    const views = bans.map((b) => toBanView(b, now));
    const activeBan = views.find((b) => b.active) ?? null;
    return {
      commenter: { ...toCommenterView(commenter), lastLoginAt: commenter.lastLoginAt.toISOString() },
      banned: activeBan !== null || (commenter.status === 'banned' && bans.length === 0),
      activeBan,
      bans: views,
      history: history.get(id) ?? emptyCounts(),
      recent: recent.map(toModerationComment),
      premoderated,
      warnings: warnings.map(toWarningView),
      notes,
    };
  }

  @Post(':id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a commenter (until a time, or until lifted); optionally reject their comments still waiting' })
  @ApiBody({ type: BanDto })
  async ban(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ ban: BanView; rejected: string[] }> {
    const input = parseOrFail(banSchema, body);
    const { ban, rejected } = await this.bans.ban(moderator.id, id, input);
    return { ban: toBanView(ban), rejected };
  }

  @Post(':id/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the bans in force' })
  async unban(@Param('id') id: string, @CurrentModerator() moderator: Moderator): Promise<{ banned: false; lifted: number }> {
    return { banned: false, lifted: await this.bans.unban(moderator.id, id) };
  }

  @Post(':id/warn')
  @HttpCode(201)
  @ApiOperation({ summary: 'Warn a commenter: the widget shows the message until they acknowledge it. Errors: VALIDATION_FAILED, NOT_FOUND' })
  @ApiBody({ type: WarnDto })
  async warn(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ warning: WarningView }> {
    const { message } = parseOrFail(warnSchema, body);
    return { warning: toWarningView(await this.sanctions.warn(moderator.id, id, message)) };
  }

  @Post(':id/premod')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send every comment and edit of this commenter to review, whatever the rules say (idempotent)' })
  async premod(@Param('id') id: string, @CurrentModerator() moderator: Moderator): Promise<{ premoderated: boolean }> {
    return { premoderated: await this.sanctions.setPremoderated(moderator.id, id, true) };
  }

  @Post(':id/unpremod')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop pre-moderating this commenter (idempotent)' })
  async unpremod(@Param('id') id: string, @CurrentModerator() moderator: Moderator): Promise<{ premoderated: boolean }> {
    return { premoderated: await this.sanctions.setPremoderated(moderator.id, id, false) };
  }

  @Post(':id/notes')
  @HttpCode(201)
  @ApiOperation({ summary: "A moderators' note on a commenter (never shown to them). Errors: VALIDATION_FAILED, NOT_FOUND" })
  @ApiBody({ type: NoteDto })
  async note(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ note: NoteView }> {
    const { text } = parseOrFail(noteSchema, body);
    return { note: await this.sanctions.addNote(moderator.id, id, text) };
  }
}
