import { ApiProperty } from '@nestjs/swagger';

export class MutedReaderDto {
  @ApiProperty({ description: 'The muted reader (a commenter id)' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl!: string | null;
  @ApiProperty({ description: 'When they were muted (ISO 8601)' }) mutedAt!: string;
}

export class MutedListDto {
  @ApiProperty({ type: [MutedReaderDto], description: 'Newest first; all of them (a reader may mute at most `max`)' }) items!: MutedReaderDto[];
  @ApiProperty({ description: 'How many readers one may mute (1,000)' }) max!: number;
}
