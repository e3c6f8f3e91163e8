import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RefusalTextDto {
  @ApiProperty({ example: 'Comments cannot be shown on this site.' }) en!: string;
  @ApiProperty({ example: '이 사이트에서는 댓글을 표시할 수 없습니다.' }) ko!: string;
}

export class EmbedCheckDto {
  @ApiProperty({ description: 'Whether a page of the requesting origin may show the comment box' }) allowed!: boolean;
  @ApiPropertyOptional({ type: RefusalTextDto, description: 'Only when refused: what embed.js writes into the box, by its language' })
  message?: RefusalTextDto;
}
