import { ApiProperty } from '@nestjs/swagger';

export class DeletionScheduleDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'When the account will be deleted (cancellable until then)' }) deletionAt!: string;
}

export class DeletionCancelledDto {
  @ApiProperty({ type: String, nullable: true, enum: [null], description: 'Always null: nothing is scheduled any more' }) deletionAt!: null;
}
