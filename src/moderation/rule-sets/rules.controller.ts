import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseOrFail } from '../../comments/comments.dto.js';
import { AppError } from '../../errors.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import type { Moderator } from '../../moderators/moderator.entity.js';
import { AdminOnly, CurrentModerator, ModeratorGuard } from '../../moderators/moderator.guard.js';
import type { RuleSetChange } from '../../rules/compare.js';
import { parseLimit } from '../../common/query-params.js';
import { DryRunDto, SaveRulesDto, dryRunSchema, saveRulesSchema } from '../moderation.dto.js';
import { RulesAdminService, acceptRuleSet, type RuleSetView, type VersionSummary } from './rules-admin.service.js';
import { DRY_RUN_DEFAULT_LIMIT, RulesDryRun, type DryRunReport } from './rules-dry-run.js';

function version(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new AppError('VALIDATION_FAILED', 400, `${field} must be a version number`, { field });
  return Number(raw);
}

/** The rule sets: every moderator reads, admins save and try drafts. */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/rules')
@UseGuards(ModeratorGuard)
export class RulesController {
  constructor(
    private readonly admin: RulesAdminService,
    private readonly dryRun: RulesDryRun,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The active rule set: {version, ruleSet, createdAt, createdBy, source}' })
  active(): Promise<RuleSetView> {
    return this.admin.active();
  }

  @Put()
  @AdminOnly()
  @ApiOperation({ summary: 'Save a new version of the rule set (admins); every worker uses it within seconds' })
  @ApiBody({ type: SaveRulesDto })
  @ApiOkResponse({ description: 'The saved version with `changes` (the diff). Errors: VALIDATION_FAILED (with `field`), CONFLICT (409, with `current`)' })
  save(@Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<RuleSetView & { changes: RuleSetChange[] }> {
    const input = parseOrFail(saveRulesSchema, body);
    return this.admin.save(moderator.id, acceptRuleSet(input.ruleSet), input.expectedVersion);
  }

  @Get('versions')
  @ApiOperation({ summary: 'The saved versions, newest first (without their rule sets)' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  versions(@Query('cursor') cursor: string | undefined, @Query('limit') limit: string | undefined): Promise<{ items: VersionSummary[]; nextCursor: string | null }> {
    return this.admin.versions(parseLimit(limit), version(cursor, 'cursor'));
  }

  @Get('versions/:version')
  @ApiOperation({ summary: 'One saved version with its rule set' })
  one(@Param('version') raw: string): Promise<RuleSetView> {
    return this.admin.one(version(raw, 'version')!);
  }

  @Post('dry-run')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'How a draft rule set would have judged the latest decided comments, compared with what happened (admins)' })
  @ApiBody({ type: DryRunDto })
  @ApiOkResponse({ description: '{total, changed, changes: [{from, to, count}], actual, draft, examples, activeVersion, diff, from, to, ms}. Errors: VALIDATION_FAILED (with `field`)' })
  run(@Body() body: unknown): Promise<DryRunReport> {
    const input = parseOrFail(dryRunSchema, body);
    return this.dryRun.run(acceptRuleSet(input.ruleSet), input.limit ?? DRY_RUN_DEFAULT_LIMIT, input.examples ?? 5);
  }
}
